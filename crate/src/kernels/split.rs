//! Splitting an operator's work over the rayon pool, for our operators (tract's own split
//! stays off: `set_threading_element_threshold(usize::MAX)`).

/// Chunks per pool thread: enough that a thread the OS (or, in a VM, the host) holds back
/// costs a chunk rather than half the operator, few enough that taking one is negligible.
#[cfg(feature = "threads")]
const CHUNKS_PER_THREAD: usize = 4;

/// Runs `run` over `0..items` (planes, rows, blocks or panels): in the threads build, when tract
/// runs on the rayon pool and the work is worth it, in contiguous chunks that the calling thread
/// and the other threads take in turn from a shared counter (pthreadpool's balance, without
/// its per-thread queues): a thread that falls behind takes fewer. The other threads are the
/// inference's awake helpers ([`crate::wasm::warm_pool`]), or else one rayon job per pool thread.
pub fn split(items: usize, macs: usize, run: impl Fn(std::ops::Range<usize>) + Sync) {
    #[cfg(feature = "threads")]
    {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use tract_linalg::multithread::{current_tract_executor, Executor};
        // about 20 us of work: tiny convolutions stay on one thread (not tuned; every
        // depthwise convolution of EfficientNet-Lite is 3x larger or more)
        const MIN_MACS: usize = 1 << 17;
        let threads = rayon::current_num_threads().min(items);
        if threads > 1
            && macs >= MIN_MACS
            && matches!(current_tract_executor(), Executor::RayonGlobal)
        {
            let chunks = (threads * CHUNKS_PER_THREAD).min(items);
            let bounds = |i: usize| i * items / chunks;
            // inside an inference: this thread and the pool's awake helpers (warm_pool.rs)
            if crate::wasm::warm_pool::parallel(chunks, &|c| run(bounds(c)..bounds(c + 1))) {
                return;
            }
            let next = AtomicUsize::new(0);
            let work = || loop {
                let c = next.fetch_add(1, Ordering::Relaxed);
                if c >= chunks {
                    break;
                }
                run(bounds(c)..bounds(c + 1));
            };
            rayon::scope(|s| {
                let work = &work;
                for _ in 1..threads {
                    s.spawn(move |_| work());
                }
                work();
            });
            return;
        }
    }
    let _ = macs;
    run(0..items)
}
