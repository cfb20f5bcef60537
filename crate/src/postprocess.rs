//! Model output -> probabilities -> the categories a [`Filter`] keeps, best first.

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::labels::Labels;
use crate::manifest::OutputKind;

/// Which categories to report, named as MediaPipe's ImageClassifier options are. Every field
/// is required in JSON: the defaults live with the callers' options (JS:
/// www/src/shared/classify-options.js; the CLI's flags).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Filter {
    /// At most this many, best first; `None` for all.
    pub max_results: Option<usize>,
    pub score_threshold: f32,
    /// Keep only these labels (a whole label or one of its comma-separated names).
    pub category_allowlist: Vec<String>,
    /// Drop these labels; exclusive with the allowlist.
    pub category_denylist: Vec<String>,
}

impl Filter {
    /// The `k` best categories, no other condition.
    pub fn top(k: usize) -> Self {
        Self {
            max_results: Some(k),
            score_threshold: 0.0,
            category_allowlist: vec![],
            category_denylist: vec![],
        }
    }

    /// Checks the lists against `labels`: exclusive, and every name a label's.
    pub fn check(&self, labels: &Labels) -> Result<()> {
        if !self.category_allowlist.is_empty() && !self.category_denylist.is_empty() {
            return Err(Error::Options(
                "categoryAllowlist and categoryDenylist are mutually exclusive".into(),
            ));
        }
        for name in self
            .category_allowlist
            .iter()
            .chain(&self.category_denylist)
        {
            let known = (0..labels.len())
                .any(|i| label_matches(labels.label(i), std::slice::from_ref(name)));
            if !known {
                return Err(Error::Options(format!("no category is named '{name}'")));
            }
        }
        Ok(())
    }

    /// The class indices this filter keeps, best first: allow/deny lists, then the score
    /// threshold, then at most `max_results`. Call [`Filter::check`] first.
    pub fn select(&self, probs: &[f32], labels: &Labels) -> Vec<usize> {
        let keep = |i: usize| {
            let label = labels.label(i);
            (self.category_allowlist.is_empty() || label_matches(label, &self.category_allowlist))
                && !label_matches(label, &self.category_denylist)
                && probs[i] >= self.score_threshold
        };
        let kept: Vec<usize> = (0..probs.len()).filter(|&i| keep(i)).collect();
        let scores: Vec<f32> = kept.iter().map(|&i| probs[i]).collect();
        let k = self.max_results.unwrap_or(kept.len());
        top_k(&scores, k).into_iter().map(|j| kept[j]).collect()
    }
}

/// `names` (lower-cased) contains the label or one of its comma-separated synonyms.
pub fn label_matches(label: &str, names: &[String]) -> bool {
    let label = label.to_lowercase();
    names.iter().any(|n| {
        let n = n.trim().to_lowercase();
        label == n || label.split(',').any(|part| part.trim() == n)
    })
}

/// Numerically stable softmax (subtracting the max), in f32 as the reference computes it.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f32> = logits.iter().map(|&z| (z - max).exp()).collect();
    let sum: f32 = exp.iter().sum();
    exp.into_iter().map(|e| e / sum).collect()
}

/// Probabilities from the model's raw output: softmax for logits, unchanged for probabilities.
pub fn probabilities(raw: Vec<f32>, kind: OutputKind) -> Vec<f32> {
    match kind {
        OutputKind::Logits => softmax(&raw),
        OutputKind::Probabilities => raw,
    }
}

/// Indices of the `k` highest scores, best first; ties keep the lower index first.
pub fn top_k(scores: &[f32], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    let k = k.min(idx.len());
    let by_score = |a: &usize, b: &usize| scores[*b].total_cmp(&scores[*a]).then(a.cmp(b));
    if k < idx.len() {
        idx.select_nth_unstable_by(k, by_score);
        idx.truncate(k);
    }
    idx.sort_by(by_score);
    idx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_sums_to_one_and_survives_large_logits() {
        let p = softmax(&[1000.0, 1001.0, 999.0]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(p[1] > p[0] && p[0] > p[2]);
    }

    #[test]
    fn top_k_orders_best_first_with_stable_ties() {
        let s = [0.1, 0.5, 0.2, 0.5, 0.0];
        assert_eq!(top_k(&s, 3), vec![1, 3, 2]);
        assert_eq!(top_k(&s, 10), vec![1, 3, 2, 0, 4]);
        assert!(top_k(&s, 0).is_empty());
    }
}
