//! `models/manifest.json`: the one description of every model that Rust and JS both read.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

mod preprocess;
pub use preprocess::{Preprocess, Resize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub schema: u32,
    // `labelSets` is JS's (the label names it accepts); Rust's label sets are built in
    // (labels.rs), and tests/rust/errors.rs checks they agree with it.
    pub models: Vec<ModelEntry>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelEntry {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// empty for a caller's own model given by URL
    #[serde(default)]
    pub file: String,
    #[serde(default)]
    pub sha256: Option<String>,
    #[serde(default)]
    pub bytes: Option<u64>,
    pub input: InputSpec,
    pub preprocess: Preprocess,
    pub output: OutputSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<Weights>,
    /// Another storage of this model's graph (`efficientnet-lite0-fp16` of
    /// `efficientnet-lite0`): same input, preprocessing and output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_of: Option<String>,
    /// How a variant stores its weights: `fp16` (computed in f32) or `int8` (quantised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<String>,
}

/// Where a model's weights come from; only what the runtime needs to know is read here.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Weights {
    /// Not distributed here: the user exports their own checkpoint (`--from`), so there may
    /// be no file and no sha256.
    #[serde(default)]
    pub user_supplied: bool,
    /// The checkpoint the user needs, in words (for the "not built" message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InputSpec {
    pub name: String,
    pub shape: Vec<usize>,
    pub layout: Layout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Layout {
    #[serde(rename = "NCHW")]
    Nchw,
    #[serde(rename = "NHWC")]
    Nhwc,
}

impl Layout {
    /// The input tensor's shape for a `size` x `size` RGB image, batch 1.
    pub fn input_shape(self, size: usize) -> [usize; 4] {
        match self {
            Layout::Nchw => [1, 3, size, size],
            Layout::Nhwc => [1, size, size, 3],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Layout::Nchw => "NCHW",
            Layout::Nhwc => "NHWC",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum ChannelOrder {
    #[serde(rename = "RGB")]
    Rgb,
    #[serde(rename = "BGR")]
    Bgr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Interpolation {
    Bicubic,
    Bilinear,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputKind {
    Logits,
    Probabilities,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputSpec {
    pub name: String,
    pub kind: OutputKind,
    pub labels: String,
    /// The graph's second output, the pooled features before the classifier head; absent
    /// for a model without one (`embed` is then refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedding: Option<EmbeddingSpec>,
}

/// Which graph output is the embedding, and how many values it has.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbeddingSpec {
    pub name: String,
    pub size: usize,
}

impl Manifest {
    pub fn from_json(text: &str) -> Result<Self> {
        let m: Manifest = from_json_located(text).map_err(Error::Manifest)?;
        for entry in &m.models {
            entry.validate()?;
            m.validate_variant(entry)?;
        }
        Ok(m)
    }

    /// A variant must name a listed model that is no variant itself and share its contract:
    /// consumers treat it as that model with other bytes.
    fn validate_variant(&self, entry: &ModelEntry) -> Result<()> {
        let Some(base) = &entry.variant_of else {
            return Ok(());
        };
        let bad = |why: String| Err(Error::Manifest(format!("model {}: {why}", entry.id)));
        let Some(b) = self.models.iter().find(|m| &m.id == base) else {
            return bad(format!("variantOf names no listed model ({base})"));
        };
        if b.variant_of.is_some() {
            return bad(format!("variantOf names {base}, itself a variant"));
        }
        if entry.input != b.input || entry.preprocess != b.preprocess || entry.output != b.output {
            return bad(format!("its input, preprocess and output must be {base}'s"));
        }
        Ok(())
    }

    pub fn model(&self, id: &str) -> Result<&ModelEntry> {
        self.models
            .iter()
            .find(|m| m.id == id)
            .ok_or_else(|| Error::UnknownModel {
                id: id.to_string(),
                known: self
                    .models
                    .iter()
                    .map(|m| m.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

impl ModelEntry {
    pub fn from_json(text: &str) -> Result<Self> {
        let e: ModelEntry = from_json_located(text).map_err(|why| {
            let id = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| v.get("id")?.as_str().map(str::to_owned));
            Error::Manifest(match id {
                Some(id) => format!("model '{id}': {why}"),
                None => why,
            })
        })?;
        e.validate()?;
        Ok(e)
    }

    /// Shape checks that keep later stages from failing obscurely. Each message starts with
    /// the field it is about, as www/src/shared/model-entry.js's do (the same rules, checked
    /// in JS before anything is downloaded).
    pub fn validate(&self) -> Result<()> {
        let bad = |why: String| Err(Error::Manifest(format!("model '{}': {why}", self.id)));
        let p = &self.preprocess;
        if p.size == 0 {
            return bad("preprocess.size must be an integer in [1, 4294967295], got 0".into());
        }
        let positive = |v: f32| v.is_finite() && v > 0.0;
        if !positive(p.value_range) {
            return bad(format!(
                "preprocess.valueRange must be a finite number > 0, got {}",
                p.value_range
            ));
        }
        if !p.std.iter().all(|s| positive(s.abs())) {
            return bad(format!(
                "preprocess.std must be 3 finite non-zero numbers, got {:?}",
                p.std
            ));
        }
        if let Some(e) = &self.output.embedding {
            if e.size == 0 {
                return bad("output.embedding.size must be an integer >= 1, got 0".into());
            }
            if e.name == self.output.name {
                return bad(format!(
                    "output.embedding.name must differ from output.name, both are '{}'",
                    e.name
                ));
            }
        }
        let s = p.size as usize;
        let want = self.input.layout.input_shape(s);
        if self.input.shape != want {
            return bad(format!(
                "input.shape must be {want:?} (layout {}, preprocess.size {s}), got {:?}",
                self.input.layout.name(),
                self.input.shape
            ));
        }
        Ok(())
    }

    /// True for a model whose weights the user supplies and that has not been built
    /// (no sha256 recorded): there is no file to load.
    pub fn needs_user_weights(&self) -> bool {
        self.sha256.is_none() && self.weights.as_ref().is_some_and(|w| w.user_supplied)
    }

    /// The error for a model that is not built, saying how to build it.
    pub fn not_built(&self) -> Error {
        Error::NotBuilt {
            model: self.id.clone(),
            checkpoint: self
                .weights
                .as_ref()
                .and_then(|w| w.checkpoint.clone())
                .unwrap_or_else(|| "checkpoint".into()),
        }
    }

    /// Checks model bytes against the manifest's sha256, when it has one.
    pub fn verify(&self, model_bytes: &[u8]) -> Result<()> {
        let Some(expected) = &self.sha256 else {
            return Ok(());
        };
        let actual = hex(&Sha256::digest(model_bytes));
        if !actual.eq_ignore_ascii_case(expected) {
            return Err(Error::Checksum {
                model: self.id.clone(),
                expected: expected.clone(),
                actual,
            });
        }
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// serde_json's messages say what is wrong but not where; serde_path_to_error adds the field
/// (`preprocess.mean`, `models[2].input.shape`).
fn from_json_located<T: DeserializeOwned>(text: &str) -> std::result::Result<T, String> {
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text)).map_err(|e| {
        let at = match e.path().to_string() {
            root if root == "." => String::new(),
            at => at,
        };
        let inner = e.into_inner();
        let text = inner.to_string();
        let why = text
            .strip_suffix(&format!(
                " at line {} column {}",
                inner.line(),
                inner.column()
            ))
            .unwrap_or(&text);
        let missing = why
            .strip_prefix("missing field `")
            .and_then(|f| f.strip_suffix('`'));
        // a message about a field of the value at `at` (preprocess.rs's) starts with `.field`
        let relative = why.strip_prefix('.');
        match (missing, relative, at.is_empty()) {
            (Some(field), _, true) => format!("{field} is missing"),
            (Some(field), _, false) => format!("{at}.{field} is missing"),
            (None, Some(rest), true) => rest.to_string(),
            (None, Some(_), false) => format!("{at}{why}"),
            (None, None, true) => why.to_string(),
            (None, None, false) => format!("{at}: {why}"),
        }
    })
}
