//! What the tests and the benchmark ask of a build beside classifying: the trap record, the
//! kernels' per-operation checks, the pool's switch and counters. (Which kernels a model runs
//! is an argument of `WasmClassifier`'s constructor.)

use wasm_bindgen::prelude::*;

use super::{js_error, trap};
use crate::error::Error;

/// Why this instance trapped (a panic's message and location, or the allocation that failed),
/// or undefined if it recorded nothing: the JS library reads it when a call ends in a
/// `WebAssembly.RuntimeError`. Builds the string without allocating in wasm memory.
#[wasm_bindgen(js_name = lastTrap)]
pub fn last_trap() -> Option<js_sys::JsString> {
    let mut buf = [0u8; 1024];
    let n = trap::last_into(&mut buf);
    (n > 0).then(|| js_sys::JsString::from(std::str::from_utf8(&buf[..n]).unwrap_or("trap")))
}

/// For the tests: makes the next `infer` panic (`"panic"`) or fail to allocate (`"oom"`).
#[wasm_bindgen(js_name = armTrapForTests)]
pub fn arm_trap_for_tests(kind: &str) {
    trap::arm(match kind {
        "panic" => 1,
        "oom" => 2,
        _ => 0,
    });
}

/// Runs the depthwise convolution's per-operation check (src/kernels/dwconv_check.rs) in this
/// build: JSON, one outcome per case.
#[wasm_bindgen(js_name = dwconvSelfTest)]
pub fn dwconv_self_test() -> Result<String, JsValue> {
    let outcomes = crate::kernels::dwconv_check::check_all()
        .map_err(|e| js_error(Error::Inference(format!("{e:#}"))))?;
    Ok(serde_json::to_string(&outcomes).expect("plain structs serialise"))
}

/// Runs the 1x1 convolution's per-operation check (src/kernels/pointwise_check.rs) in this
/// build: JSON, one outcome per case.
#[wasm_bindgen(js_name = pointwiseSelfTest)]
pub fn pointwise_self_test() -> Result<String, JsValue> {
    let outcomes = crate::kernels::pointwise_check::check_all()
        .map_err(|e| js_error(Error::Inference(format!("{e:#}"))))?;
    Ok(serde_json::to_string(&outcomes).expect("plain structs serialise"))
}

/// Whether the pool's threads poll for work during an inference instead of sleeping between
/// operators (default on; warm_pool.rs). A no-op without threads.
#[wasm_bindgen(js_name = setWarmPool)]
pub fn set_warm_pool(on: bool) {
    #[cfg(feature = "threads")]
    super::warm_pool::set_enabled(on);
    #[cfg(not(feature = "threads"))]
    let _ = on;
}

/// What the thread pool's helpers did since the last call, as JSON (warm_pool.rs `Stats`),
/// for `npm run bench`; `null` without threads.
#[wasm_bindgen(js_name = poolStats)]
pub fn pool_stats() -> Option<String> {
    #[cfg(feature = "threads")]
    {
        let s = super::warm_pool::take_stats();
        Some(format!(
            r#"{{"runs":{},"ops":{},"opsAlone":{},"chunks":{},"helperChunks":{}}}"#,
            s.runs, s.ops, s.ops_alone, s.chunks, s.helper_chunks
        ))
    }
    #[cfg(not(feature = "threads"))]
    None
}
