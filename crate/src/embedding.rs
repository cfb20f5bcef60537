//! The embedding a model's run gives (its pooled features, before the classifier head), as
//! MediaPipe's ImageEmbedder returns it: optionally L2-normalised, optionally quantised to one
//! signed byte per value.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What `embed` makes of the raw features. MediaPipe's defaults: normalised, not quantised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmbedOptions {
    pub l2_normalize: bool,
    pub quantize: bool,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        Self {
            l2_normalize: true,
            quantize: false,
        }
    }
}

/// One embedding: floats, or the L2-normalised floats scalar-quantised to bytes. Serialised
/// as MediaPipe names the two: `{"floatEmbedding": [...]}` or `{"quantizedEmbedding": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Embedding {
    #[serde(rename = "floatEmbedding")]
    Float(Vec<f32>),
    #[serde(rename = "quantizedEmbedding")]
    Quantized(Vec<i8>),
}

impl Embedding {
    pub fn len(&self) -> usize {
        match self {
            Embedding::Float(v) => v.len(),
            Embedding::Quantized(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl EmbedOptions {
    /// Quantisation maps [-1, 1] onto the bytes, so it needs the normalised vector.
    pub fn check(&self) -> Result<()> {
        if self.quantize && !self.l2_normalize {
            return Err(Error::Options(
                "quantize needs l2Normalize: the bytes are the L2-normalised values times 127"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The raw features as these options ask for them.
    pub fn apply(&self, mut raw: Vec<f32>) -> Result<Embedding> {
        self.check()?;
        if self.l2_normalize {
            l2_normalize(&mut raw);
        }
        Ok(if self.quantize {
            Embedding::Quantized(quantize(&raw))
        } else {
            Embedding::Float(raw)
        })
    }
}

/// Scales `v` to unit length in place; a zero vector stays zero (it has no direction), as
/// MediaPipe leaves it. The sum is in f64 so that 1280 or 2560 squares lose nothing.
pub fn l2_normalize(v: &mut [f32]) {
    let norm = v
        .iter()
        .map(|&x| f64::from(x) * f64::from(x))
        .sum::<f64>()
        .sqrt();
    if norm > 0.0 {
        for x in v {
            *x = (f64::from(*x) / norm) as f32;
        }
    }
}

/// MediaPipe's scalar quantisation of a normalised vector: round(v * 127), clamped to i8.
pub fn quantize(v: &[f32]) -> Vec<i8> {
    v.iter()
        .map(|&x| (x * 127.0).round().clamp(-128.0, 127.0) as i8)
        .collect()
}
