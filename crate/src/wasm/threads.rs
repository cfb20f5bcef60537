//! The thread pool's switches: whether this build has one, and tract running on it.

use wasm_bindgen::prelude::*;

/// True in the build made with `+atomics` and the rayon pool.
#[wasm_bindgen(js_name = threadsBuild)]
pub fn threads_build() -> bool {
    cfg!(feature = "threads")
}

/// Makes tract run its matrix products (1x1 convolutions included) on the rayon pool started by
/// `initThreadPool` (a no-op in the single-threaded build).
#[wasm_bindgen(js_name = useThreadPool)]
pub fn use_thread_pool() {
    #[cfg(feature = "threads")]
    tract_linalg::multithread::set_default_executor(
        tract_linalg::multithread::Executor::RayonGlobal,
    );
    // Everything tract splits by element count stays on one thread: element-wise ops (ReLU6),
    // depthwise convolutions, reductions, the packing of activations. Split across the pool,
    // ReLU6 and the depthwise convolutions took 2.7 and 8.6 ms of a Lite0 run instead of 0.4
    // and 3.5 (`npm run bench`'s profile, 2 threads). The matrix products, which are where two
    // threads pay, have thresholds of their own and stay parallel.
    #[cfg(feature = "threads")]
    tract_linalg::multithread::set_threading_element_threshold(usize::MAX);
}
