//! effnet-wasm: EfficientNet-family image classification with tract, natively and in wasm.
//!
//! The data path, one module per step:
//! [`pixels`] (RGBA8 in) -> [`preprocess`] (Pillow-exact resize, crop, normalise) ->
//! [`engine`] (tract) -> [`postprocess`] (softmax, top-k) -> [`labels`]; [`embedding`] makes
//! the same run's pooled features the caller's embedding.
//! [`manifest`] describes each model; [`classifier`] ties the path together.
//! The wasm build's host glue (JS bindings, trap record, thread pool) is in `wasm/`.

pub mod classifier;
#[cfg(feature = "decode")]
pub mod decode;
pub mod embedding;
pub mod engine;
pub mod error;
pub mod kernels;
pub mod labels;
pub mod manifest;
pub mod pixels;
pub mod postprocess;
pub mod preprocess;
#[cfg(all(feature = "wasm", target_arch = "wasm32"))]
pub mod wasm;

pub use classifier::{Category, Classifier};
pub use embedding::{EmbedOptions, Embedding};
pub use error::{Error, Result};
pub use manifest::{Manifest, ModelEntry};
pub use pixels::Rgba;
