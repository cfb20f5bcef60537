//! Paths and loaders shared by the integration tests.
#![allow(dead_code)]

use effnet::{Classifier, Manifest};
use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures").join(rel)
}

pub fn manifest() -> Manifest {
    let text = std::fs::read_to_string(repo().join("models/manifest.json")).unwrap();
    Manifest::from_json(&text).unwrap()
}

/// The model's bytes; the models are built by `npm run models` before the tests run.
pub fn model_bytes(id: &str) -> Vec<u8> {
    let entry = manifest().model(id).unwrap().clone();
    let path = repo().join("models").join(&entry.file);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; build the models first with `npm run models`",
            path.display()
        )
    })
}

pub fn classifier(id: &str) -> Classifier {
    let entry = manifest().model(id).unwrap().clone();
    Classifier::new(entry, &model_bytes(id)).unwrap()
}

/// A fixture's JSON array of numbers (reference probabilities, pooled features) as f32s.
pub fn floats(v: &serde_json::Value) -> Vec<f32> {
    v.as_array()
        .expect("an array of numbers")
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

/// The largest |a[i] - b[i]|.
pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0f32, f32::max)
}

/// How many bytes of two pixel buffers differ.
pub fn differing(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x != y).count()
}
