//! The host glue of the wasm build: JS bindings (wasm-bindgen) around the data path, the
//! thread pool, and what a trap leaves behind. Errors cross as JS `Error`s whose `name` is
//! their stable code ([`Error::code`]) that the JS library turns into `EffnetError`.

use wasm_bindgen::prelude::*;

use crate::error::Error;

pub mod classifier;
pub mod decoders;
pub mod diagnostics;
pub mod threads;
mod trap;
#[cfg(feature = "threads")]
pub(crate) mod warm_pool;

pub use classifier::WasmClassifier;
#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

// failed allocations are noted before the abort that follows them (trap.rs)
#[global_allocator]
static ALLOCATOR: trap::Recording = trap::Recording;

#[wasm_bindgen(start)]
fn start() {
    // a bug becomes a readable message, on the console and for `lastTrap`, instead of a bare
    // "unreachable executed"
    trap::install();
}

/// The JS `Error` an [`Error`] crosses as: its message, and its code as the `name`.
fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name(e.code());
    err.into()
}
