//! `--model` (an id or a path) -> a manifest entry and its checked bytes.

use effnet::{Classifier, Error, Manifest, ModelEntry};
use std::path::Path;

use crate::ModelArgs;

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

pub fn manifest(dir: &Path) -> Result<Manifest, Error> {
    let path = dir.join("manifest.json");
    let text = String::from_utf8(read(&path)?)
        .map_err(|_| Error::Manifest(format!("{} is not UTF-8", path.display())))?;
    Manifest::from_json(&text).map_err(|e| Error::Manifest(format!("{}: {e}", path.display())))
}

/// The entry and model bytes for `--model`; the bytes are verified against the manifest
/// unless `--like` borrows another model's description for the user's own file.
pub fn model(args: &ModelArgs) -> Result<(ModelEntry, Vec<u8>, bool), Error> {
    let man = manifest(&args.models_dir)?;
    let is_path = args.model.ends_with(".onnx") || args.model.contains(std::path::MAIN_SEPARATOR);
    if !is_path {
        let entry = man.model(&args.model)?.clone();
        let path = args.models_dir.join(&entry.file);
        if !path.exists() && entry.weights.as_ref().is_some_and(|w| w.user_supplied) {
            return Err(entry.not_built());
        }
        if !path.exists() {
            return Err(Error::Manifest(format!(
                "model file {} is missing: build it with `npm run models`",
                path.display()
            )));
        }
        let bytes = read(&path)?;
        return Ok((entry, bytes, true));
    }
    let path = Path::new(&args.model);
    let bytes = read(path)?;
    if let Some(like) = &args.like {
        let mut entry = man.model(like)?.clone();
        entry.id = path.display().to_string();
        entry.sha256 = None;
        // the contract borrowed is preprocessing, scores and labels; the embedding only if
        // the user's graph has that output too (else `embed` says the model has none)
        let name = entry.output.embedding.as_ref().map(|e| e.name.clone());
        if name.is_some_and(|n| !effnet::engine::declares_output(&bytes, &n)) {
            entry.output.embedding = None;
        }
        return Ok((entry, bytes, false));
    }
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let entry = man
        .models
        .iter()
        .find(|m| m.file == name)
        .cloned()
        .ok_or_else(|| {
            Error::Manifest(format!(
                "{} is not in {}: pass --like <id> to use a listed model's preprocessing",
                path.display(),
                args.models_dir.join("manifest.json").display()
            ))
        })?;
    Ok((entry, bytes, true))
}

pub fn classifier(args: &ModelArgs) -> Result<Classifier, Error> {
    let (entry, bytes, verify) = model(args)?;
    if verify {
        entry.verify(&bytes)?;
    }
    Classifier::with_kernels(entry, &bytes, &args.kernels)
}
