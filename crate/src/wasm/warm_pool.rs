//! Runs one inference on the calling thread, with the pool's other threads kept awake as
//! helpers until it ends, and hands them our operators' chunks ([`parallel`]) directly.
//!
//! Left to rayon, every parallel operator called from the JS worker's thread (not a pool
//! member) would be injected into the pool, and between two operators rayon's idle threads go
//! to sleep within microseconds: waking a sleeping wasm worker (`Atomics.notify`, then the OS
//! and, in a VM, the hypervisor scheduling that core again) costs more than the next
//! operator's share of work. An earlier version moved the whole run onto a pool thread, but
//! that put two wake-ups on every inference's critical path (the pool thread at the start, the
//! JS thread at the end): after an idle pause of 20 ms, 2.5 ms of a 2-thread Lite0 run
//! (`npm run bench`, SETTLE_MS 20 against 1). Now the calling thread computes at once, like
//! pthreadpool's caller in XNNPACK; `threads - 1` pool threads join as helpers when they wake
//! (off the critical path), poll for chunks and for rayon's own jobs (tract's matrix products)
//! instead of sleeping, and return to the pool when the run ends. One busy thread per core.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

static ENABLED: AtomicBool = AtomicBool::new(true);

/// Turns this off (tract and our operators then go through rayon from the calling thread,
/// the pool asleep between operators) or on again, for measurements.
pub fn set_enabled(on: bool) {
    ENABLED.store(on, SeqCst);
}

/// An operator's chunks `0..chunks`, each taken once by whichever thread gets it first.
struct Task<'a> {
    run: &'a (dyn Fn(usize) + Sync),
    chunks: usize,
    next: AtomicUsize,
}

impl Task<'_> {
    /// Takes chunks until none is left; how many this thread ran.
    fn work(&self) -> usize {
        let mut ran = 0;
        loop {
            let c = self.next.fetch_add(1, SeqCst);
            if c >= self.chunks {
                return ran;
            }
            (self.run)(c);
            ran += 1;
        }
    }
}

/// Whether a helper of the current run has started polling: operators offered before that
/// ran on the calling thread alone (the helpers were still being woken).
static JOINED: AtomicBool = AtomicBool::new(false);

/// What the runs so far did, for `npm run bench` (`poolStats`): how soon the helpers joined
/// and how much of the work they took.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub runs: usize,
    /// operators split over the threads
    pub ops: usize,
    /// of those, the ones offered before any helper had joined
    pub ops_alone: usize,
    pub chunks: usize,
    /// of those, the ones the helpers ran
    pub helper_chunks: usize,
}

static RUNS: AtomicUsize = AtomicUsize::new(0);
static OPS: AtomicUsize = AtomicUsize::new(0);
static OPS_ALONE: AtomicUsize = AtomicUsize::new(0);
static CHUNKS: AtomicUsize = AtomicUsize::new(0);
static HELPER_CHUNKS: AtomicUsize = AtomicUsize::new(0);

/// The counters since the last call, which resets them.
pub fn take_stats() -> Stats {
    Stats {
        runs: RUNS.swap(0, SeqCst),
        ops: OPS.swap(0, SeqCst),
        ops_alone: OPS_ALONE.swap(0, SeqCst),
        chunks: CHUNKS.swap(0, SeqCst),
        helper_chunks: HELPER_CHUNKS.swap(0, SeqCst),
    }
}

/// The task on offer (the caller's stack holds it), or null.
static SLOT: AtomicPtr<Task<'static>> = AtomicPtr::new(std::ptr::null_mut());
/// Helpers between announcing themselves and letting go of what they read from [`SLOT`]: the
/// caller waits for zero after clearing it, so no helper can still hold a finished task.
static BUSY: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Whether this thread runs an inference with helpers (inside [`run`]).
    static OWNER: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` on this thread, `rayon::current_num_threads() - 1` pool threads helping.
///
/// `tract_serial`: tract's own matrix products stay on this thread for the run. From here (not
/// a pool thread) tract hands one to rayon as an injected job: this thread sleeps on a latch
/// while the helper and a sleeping pool thread, woken, share it, and is woken again at the
/// end. Lite0's stem took 3.3 ms that way at two threads against 1.7 ms at one (`npm run
/// bench`'s profile). Worth it where our operators split everything big, and tract runs only
/// small products (the stem, the classifier); not where tract's products are the model.
pub fn run<R>(tract_serial: bool, f: impl FnOnce() -> R) -> R {
    let threads = rayon::current_num_threads();
    if !ENABLED.load(SeqCst) || threads < 2 || OWNER.get() {
        return f();
    }
    use tract_linalg::multithread as mt;
    let thresholds = (
        mt::current_threading_panel_threshold(),
        mt::current_threading_mac_threshold(),
    );
    if tract_serial {
        mt::set_threading_panel_threshold(usize::MAX);
        mt::set_threading_mac_threshold(usize::MAX);
    }
    let done = Arc::new(AtomicBool::new(false));
    JOINED.store(false, SeqCst);
    RUNS.fetch_add(1, SeqCst);
    for _ in 1..threads {
        let done = done.clone();
        rayon::spawn(move || {
            // a helper that starts after the run sees `done` and returns at once
            if !done.load(SeqCst) {
                JOINED.store(true, SeqCst);
            }
            while !done.load(SeqCst) {
                if !help() && rayon::yield_now() != Some(rayon::Yield::Executed) {
                    std::hint::spin_loop();
                }
            }
        });
    }
    // `done` is set (and tract's thresholds restored) even if `f` panics, so no thread keeps
    // spinning
    struct Finish(Arc<AtomicBool>, (usize, usize));
    impl Drop for Finish {
        fn drop(&mut self) {
            self.0.store(true, SeqCst);
            OWNER.set(false);
            tract_linalg::multithread::set_threading_panel_threshold(self.1 .0);
            tract_linalg::multithread::set_threading_mac_threshold(self.1 .1);
        }
    }
    let _finish = Finish(done, thresholds);
    OWNER.set(true);
    f()
}

/// A helper's turn: the chunks left of the task on offer, if there is one.
fn help() -> bool {
    BUSY.fetch_add(1, SeqCst);
    let task = SLOT.load(SeqCst);
    if !task.is_null() {
        // SAFETY: the caller keeps the task alive until BUSY is back to zero
        let ran = unsafe { (*task).work() };
        HELPER_CHUNKS.fetch_add(ran, SeqCst);
    }
    BUSY.fetch_sub(1, SeqCst);
    !task.is_null()
}

/// Runs `run(c)` for every `c` in `0..chunks` on this thread and the helpers, if this thread is
/// inside [`run`]; `false` (nothing run) otherwise.
pub fn parallel(chunks: usize, run: &(dyn Fn(usize) + Sync)) -> bool {
    if !OWNER.get() {
        return false;
    }
    let task = Task {
        run,
        chunks,
        next: AtomicUsize::new(0),
    };
    // SAFETY: the pointer is withdrawn, and every helper done with it, before `task` goes
    let erased = &task as *const Task<'_> as *mut Task<'static>;
    OPS.fetch_add(1, SeqCst);
    CHUNKS.fetch_add(chunks, SeqCst);
    if !JOINED.load(SeqCst) {
        OPS_ALONE.fetch_add(1, SeqCst);
    }
    SLOT.store(erased, SeqCst);
    task.work();
    SLOT.store(std::ptr::null_mut(), SeqCst);
    while BUSY.load(SeqCst) != 0 {
        std::hint::spin_loop();
    }
    true
}
