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

    #[error(
        "model {model} has no embedding output (its manifest entry names none in \
         output.embedding)"
    )]
    NoEmbedding { model: String },

    #[error("labels: {0}")]
    Labels(String),

    #[error("{path}: {reason}")]
    Decode { path: String, reason: String },

    /// A file declaring more pixels than the decoders admit (`decode::limits`), refused
    /// before decoding.
    #[error(
        "{path}: the image is {width}x{height} pixels ({} MP), larger than the {} MP and \
         {max_side} pixels a side this library decodes (more than any camera takes)",
        (*width as u64 * *height as u64) / 1_000_000,
        max_pixels / 1_000_000
    )]
    TooLarge {
        path: String,
        width: u32,
        height: u32,
        max_pixels: u64,
        max_side: u32,
    },

    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Every code [`Error::code`] gives, each a key of `www/src/shared/error-codes.json`, the
    /// table that JS, the types and README share (tests/rust/errors.rs checks it).
    pub const CODES: [&'static str; 6] = [
        "BAD_IMAGE",
        "MODEL_INTEGRITY",
        "MODEL_NOT_FOUND",
        "BAD_OPTIONS",
        "BAD_MANIFEST",
        "INFERENCE",
    ];

    /// The stable code the JS library reports this error with (the JS `Error`'s `name`).
    /// A caller's own entry is checked in JS by the same rules before it gets here
    /// (www/src/shared/model-entry.js, BAD_OPTIONS), so in wasm `Manifest` and `Labels` mean
    /// the package's own manifest or labels are broken.
    pub fn code(&self) -> &'static str {
        // taken apart, not spelt out: a code can only come from CODES
        let [image, integrity, not_found, options, manifest, inference] = Self::CODES;
        match self {
            Error::Image { .. } | Error::Decode { .. } | Error::TooLarge { .. } => image,
            Error::Checksum { .. } | Error::Model { .. } => integrity,
            Error::UnknownModel { .. } | Error::NotBuilt { .. } => not_found,
            Error::Options(_) | Error::NoEmbedding { .. } => options,
            Error::Manifest(_) | Error::Labels(_) => manifest,
            Error::Inference(_) | Error::Io { .. } => inference,
        }
    }
}
