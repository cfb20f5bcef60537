//! Runs one inference inside the rayon pool, with the pool's threads kept awake until it ends.
//!
//! Called from the JS worker's own thread (not a pool member), tract would hand every parallel
//! operator to the pool and block; between two parallel operators (a matrix product, then a
//! ReLU6 or a small depthwise convolution run inline) rayon's idle threads go to sleep within
//! microseconds, and waking a sleeping wasm worker (`Atomics.notify`, then the OS and, in a VM,
//! the hypervisor scheduling that core again) costs more than the next operator's share of
//! work: measured on Lite0 after an idle pause, 2 threads were no faster than 1. So the whole
//! run moves onto a pool thread (which then takes its share of each parallel operator, and
//! the JS thread just waits), and every other pool thread holds a job that polls the pool for
//! work (`rayon::yield_now`) instead of sleeping, giving the thread back when the run ends.
//! One busy thread per core: the caller's thread sleeps meanwhile.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

static ENABLED: AtomicBool = AtomicBool::new(true);

/// Turns this off (tract then runs from the calling thread) or on again, for measurements.
pub fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

/// Runs `f` on a pool thread, the other pool threads polling for work instead of sleeping.
pub fn run<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    let threads = rayon::current_num_threads();
    if !ENABLED.load(Ordering::Relaxed) || threads < 2 {
        return f();
    }
    // from outside the pool, `scope` runs its body on a pool thread and blocks until it ends
    rayon::scope(|_| {
        let done = Arc::new(AtomicBool::new(false));
        for _ in 1..threads {
            let done = done.clone();
            rayon::spawn(move || {
                // tract's jobs are stolen from here; a spinner that starts after the run sees
                // `done` and returns at once
                while !done.load(Ordering::Acquire) {
                    if rayon::yield_now() != Some(rayon::Yield::Executed) {
                        std::hint::spin_loop();
                    }
                }
            });
        }
        // `done` is set even if `f` panics, so no thread keeps spinning
        struct Finish(Arc<AtomicBool>);
        impl Drop for Finish {
            fn drop(&mut self) {
                self.0.store(true, Ordering::Release);
            }
        }
        let _finish = Finish(done);
        f()
    })
}
