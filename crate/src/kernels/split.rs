//! Splitting an operator's work over the rayon pool, for our operators (tract's own split
//! stays off: `set_threading_element_threshold(usize::MAX)`).

/// Runs `run` over `0..items` (planes or rows): in the threads build, when tract runs on the
/// rayon pool and the work is worth it, one contiguous range per pool thread (the calling one
/// included), which is as little synchronisation as a split can have: items cost the same.
pub fn split(items: usize, macs: usize, run: impl Fn(std::ops::Range<usize>) + Sync) {
    #[cfg(feature = "threads")]
    {
        use tract_linalg::multithread::{current_tract_executor, Executor};
        // about 20 us of work: tiny convolutions stay on one thread (not tuned; every
        // depthwise convolution of EfficientNet-Lite is 3x larger or more)
        const MIN_MACS: usize = 1 << 17;
        let threads = rayon::current_num_threads().min(items);
        if threads > 1
            && macs >= MIN_MACS
            && matches!(current_tract_executor(), Executor::RayonGlobal)
        {
            let bounds = |i: usize| i * items / threads;
            rayon::scope(|s| {
                let run = &run;
                for i in 1..threads {
                    s.spawn(move |_| run(bounds(i)..bounds(i + 1)));
                }
                run(0..bounds(1));
            });
            return;
        }
    }
    let _ = macs;
    run(0..items)
}
