//! The whole path: pixels -> preprocess -> tract -> postprocess -> labels, and from the same
//! run the embedding (embedding.rs).

use serde::Serialize;

use crate::embedding::{EmbedOptions, Embedding};
use crate::engine::{Engine, Outputs};
use crate::error::{Error, Result};
use crate::kernels::KernelChoice;
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
        Self::with_kernels(entry, model_bytes, &KernelChoice::default())
    }

    /// Loads without the checksum, running our kernels as `kernels` chooses.
    pub fn with_kernels(
        entry: ModelEntry,
        model_bytes: &[u8],
        kernels: &KernelChoice,
    ) -> Result<Self> {
        entry.validate()?;
        let labels = Labels::builtin(&entry.output.labels)?;
        let engine = Engine::load(&entry, model_bytes, kernels)?;
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

    /// The model's outputs as they are: scores (logits or probabilities, per the manifest)
    /// and, if the model has one, the raw embedding, from one run.
    pub fn run(&self, input: &Input) -> Result<Outputs> {
        self.engine.run(input)
    }

    /// The model's scores as they are (logits or probabilities, per the manifest).
    pub fn raw_output(&self, input: &Input) -> Result<Vec<f32>> {
        Ok(self.run(input)?.scores)
    }

    /// All class probabilities for a preprocessed input.
    pub fn probabilities(&self, input: &Input) -> Result<Vec<f32>> {
        let raw = self.raw_output(input)?;
        Ok(self.to_probabilities(raw))
    }

    /// Number of values of this model's embedding, or None if it has none.
    pub fn embedding_size(&self) -> Option<usize> {
        self.engine.embedding_size()
    }

    /// Refuses, before any pixel work, to embed with a model whose manifest entry names no
    /// embedding output.
    pub fn check_embedding(&self) -> Result<()> {
        match self.embedding_size() {
            Some(_) => Ok(()),
            None => Err(Error::NoEmbedding {
                model: self.entry.id.clone(),
            }),
        }
    }

    /// A run's raw embedding as `options` ask for it (NoEmbedding for a model without one).
    pub fn to_embedding(&self, out: &Outputs, options: &EmbedOptions) -> Result<Embedding> {
        self.check_embedding()?;
        let raw = out.embedding.clone().ok_or_else(|| {
            Error::Inference("the run gave no embedding although the model has one".into())
        })?;
        options.apply(raw)
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
        Ok(self.classify_full(img, filter, false)?.0)
    }

    /// The whole path for one image, and with `want_embedding` the L2-normalised embedding of
    /// the same run (no second inference).
    pub fn classify_full(
        &self,
        img: &Rgba,
        filter: &Filter,
        want_embedding: bool,
    ) -> Result<(Vec<Category>, Option<Vec<f32>>)> {
        self.check(filter)?;
        if want_embedding {
            self.check_embedding()?;
        }
        let input = self.preprocess(img)?;
        let out = self.run(&input)?;
        let embedding = match want_embedding {
            true => match self.to_embedding(&out, &EmbedOptions::default())? {
                Embedding::Float(v) => Some(v),
                Embedding::Quantized(_) => unreachable!("the default options do not quantise"),
            },
            false => None,
        };
        let probs = self.to_probabilities(out.scores);
        Ok((self.categories(&probs, filter)?, embedding))
    }

    /// The embedding of one image, as `options` ask for it.
    pub fn embed(&self, img: &Rgba, options: &EmbedOptions) -> Result<Embedding> {
        options.check()?;
        self.check_embedding()?;
        let input = self.preprocess(img)?;
        let out = self.run(&input)?;
        self.to_embedding(&out, options)
    }
}
