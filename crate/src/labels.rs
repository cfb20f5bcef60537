//! Class index -> human label. ImageNet-1k ships inside the crate (see models/labels/).

use crate::error::{Error, Result};

const IMAGENET_1K: &str = include_str!("../../models/labels/imagenet-1k.tsv");

#[derive(Debug, Clone)]
pub struct Labels {
    /// label per class index
    labels: Vec<String>,
}

impl Labels {
    /// The label set a manifest names, if it is built in.
    pub fn builtin(name: &str) -> Result<Self> {
        match name {
            "imagenet-1k" => Self::from_tsv(IMAGENET_1K),
            other => Err(Error::Labels(format!("unknown label set '{other}'"))),
        }
    }

    /// Lines of `synset<TAB>label`, one per class in index order (the synset ids are for
    /// the tagger's WordNet tags, models/tool/wordnet_tags.py).
    pub fn from_tsv(text: &str) -> Result<Self> {
        let labels = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .enumerate()
            .map(|(i, line)| {
                line.split_once('\t')
                    .map(|(_, l)| l.trim().to_string())
                    .ok_or_else(|| Error::Labels(format!("line {}: no tab in {line:?}", i + 1)))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { labels })
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn label(&self, index: usize) -> &str {
        &self.labels[index]
    }
}
