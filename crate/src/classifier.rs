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

    pub fn labels(&self) -> &Labels {
        &self.labels
    }

    pub fn preprocess(&self, img: Rgba) -> Result<Input> {
        preprocess::preprocess(img, &self.entry.preprocess, self.entry.input.layout)
    }

    /// The model's output as it is (logits or probabilities, per the manifest).
    pub fn raw_output(&self, input: Input) -> Result<Vec<f32>> {
        self.engine.run(input)
    }

    /// All class probabilities for a preprocessed input.
    pub fn probabilities(&self, input: Input) -> Result<Vec<f32>> {
        let raw = self.raw_output(input)?;
        Ok(self.to_probabilities(raw))
    }

    /// Raw output -> probabilities (softmax only when the model gives logits).
    pub fn to_probabilities(&self, raw: Vec<f32>) -> Vec<f32> {
        postprocess::probabilities(raw, self.entry.output.kind)
    }

    /// The `k` most probable categories, best first.
    pub fn top_k(&self, probs: &[f32], k: usize) -> Vec<Category> {
        postprocess::top_k(probs, k)
            .into_iter()
            .map(|index| Category {
                index,
                label: self.labels.label(index).to_string(),
                score: probs[index],
            })
            .collect()
    }

    /// The categories `filter` keeps, best first: allow/deny lists, then the score
    /// threshold, then at most `max_results`.
    pub fn select(&self, probs: &[f32], filter: &Filter) -> Result<Vec<Category>> {
        if !filter.category_allowlist.is_empty() && !filter.category_denylist.is_empty() {
            return Err(Error::Options(
                "categoryAllowlist and categoryDenylist are mutually exclusive".into(),
            ));
        }
        for name in filter
            .category_allowlist
            .iter()
            .chain(&filter.category_denylist)
        {
            let known = (0..self.labels.len()).any(|i| {
                postprocess::label_matches(self.labels.label(i), std::slice::from_ref(name))
            });
            if !known {
                return Err(Error::Options(format!("no category is named '{name}'")));
            }
        }
        let keep = |i: usize| {
            let label = self.labels.label(i);
            (filter.category_allowlist.is_empty()
                || postprocess::label_matches(label, &filter.category_allowlist))
                && !postprocess::label_matches(label, &filter.category_denylist)
                && probs[i] >= filter.score_threshold
        };
        let kept: Vec<usize> = (0..probs.len()).filter(|&i| keep(i)).collect();
        let scores: Vec<f32> = kept.iter().map(|&i| probs[i]).collect();
        Ok(postprocess::top_k(&scores, filter.max_results)
            .into_iter()
            .map(|j| {
                let index = kept[j];
                Category {
                    index,
                    label: self.labels.label(index).to_string(),
                    score: probs[index],
                }
            })
            .collect())
    }

    pub fn classify(&self, img: Rgba, k: usize) -> Result<Vec<Category>> {
        let input = self.preprocess(img)?;
        let probs = self.probabilities(input)?;
        Ok(self.top_k(&probs, k))
    }
}

impl Classifier {
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}
