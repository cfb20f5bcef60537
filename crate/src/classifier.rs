//! The whole path: pixels -> preprocess -> tract -> postprocess -> labels.

use serde::Serialize;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::labels::Labels;
use crate::manifest::ModelEntry;
use crate::pixels::Rgba;
use crate::postprocess::{self, Filter};
use crate::preprocess::{self, Input};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    pub index: usize,
    pub label: String,
    pub score: f32,
}

pub struct Classifier {
    entry: ModelEntry,
    engine: Engine,
    labels: Labels,
}

impl Classifier {
    /// Verifies the bytes against the manifest's sha256 (when it has one), then loads.
    pub fn new(entry: ModelEntry, model_bytes: &[u8]) -> Result<Self> {
        entry.verify(model_bytes)?;
        Self::new_unverified(entry, model_bytes)
    }

    /// Loads without the checksum (the caller verified it, or the model is the user's own).
    pub fn new_unverified(entry: ModelEntry, model_bytes: &[u8]) -> Result<Self> {
        entry.validate()?;
        let labels = Labels::builtin(&entry.output.labels)?;
        let engine = Engine::load(&entry, model_bytes)?;
        if engine.outputs() != labels.len() {
            return Err(Error::Model {
                model: entry.id.clone(),
                reason: format!(
                    "it outputs {} scores but label set '{}' has {} labels",
                    engine.outputs(),
                    entry.output.labels,
                    labels.len()
                ),
            });
        }
        Ok(Self {
            entry,
            engine,
            labels,
        })
    }

    pub fn entry(&self) -> &ModelEntry {
        &self.entry
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn preprocess(&self, img: &Rgba) -> Result<Input> {
        preprocess::preprocess(img, &self.entry.preprocess, self.entry.input.layout)
    }

    /// The model's output as it is (logits or probabilities, per the manifest).
    pub fn raw_output(&self, input: &Input) -> Result<Vec<f32>> {
        self.engine.run(input)
    }

    /// All class probabilities for a preprocessed input.
    pub fn probabilities(&self, input: &Input) -> Result<Vec<f32>> {
        let raw = self.raw_output(input)?;
        Ok(self.to_probabilities(raw))
    }

    /// Raw output -> probabilities (softmax only when the model gives logits).
    pub fn to_probabilities(&self, raw: Vec<f32>) -> Vec<f32> {
        postprocess::probabilities(raw, self.entry.output.kind)
    }

    /// Whether `filter` can be applied to this model's labels (checked before any pixel work).
    pub fn check(&self, filter: &Filter) -> Result<()> {
        filter.check(&self.labels)
    }

    /// The categories `filter` keeps of these probabilities, best first.
    pub fn categories(&self, probs: &[f32], filter: &Filter) -> Result<Vec<Category>> {
        self.check(filter)?;
        Ok(filter
            .select(probs, &self.labels)
            .into_iter()
            .map(|index| Category {
                index,
                label: self.labels.label(index).to_string(),
                score: probs[index],
            })
            .collect())
    }

    /// The whole path for one image.
    pub fn classify(&self, img: &Rgba, filter: &Filter) -> Result<Vec<Category>> {
        self.check(filter)?;
        let input = self.preprocess(img)?;
        let probs = self.probabilities(&input)?;
        self.categories(&probs, filter)
    }
}
