//! One error type for the library; every variant names what was wrong.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    #[error("manifest: {0}")]
    Manifest(String),

    #[error("unknown model id '{id}' (known: {known})")]
    UnknownModel { id: String, known: String },

    #[error(
        "model {model} is not built: its weights are not distributed here. Export your own \
         ({checkpoint}) with `npm run models -- --from <checkpoint> --only {model}`"
    )]
    NotBuilt { model: String, checkpoint: String },

    #[error("model {model}: sha256 {actual} does not match the manifest's {expected}")]
    Checksum {
        model: String,
        expected: String,
        actual: String,
    },

    #[error("model {model}: not a usable ONNX model: {reason}")]
    Model { model: String, reason: String },

    #[error("image {width}x{height}: {reason}")]
    Image {
        width: u32,
        height: u32,
        reason: String,
    },

    #[error("inference: {0}")]
    Inference(String),

    #[error("options: {0}")]
    Options(String),

    #[error("labels: {0}")]
    Labels(String),

    #[error("{path}: {reason}")]
    Decode { path: String, reason: String },

    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

pub type Result<T> = std::result::Result<T, Error>;
