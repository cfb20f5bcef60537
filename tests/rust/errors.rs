//! Errors as callers see them: every code Rust gives is one the JS library documents, each
//! reached by a real failure, and a bad model entry's message names the field.

mod common;

use effnet::decode::decode_file;
use effnet::postprocess::Filter;
use effnet::preprocess::Input;
use effnet::{Classifier, Error, Manifest, ModelEntry, Rgba};
use std::collections::{BTreeMap, BTreeSet};

const LITE0: &str = "efficientnet-lite0";

/// The code table that JS, the types and README share.
fn table() -> BTreeMap<String, String> {
    serde_json::from_str(include_str!("../../www/src/shared/error-codes.json")).unwrap()
}

#[test]
fn every_code_rust_gives_is_in_the_shared_table() {
    let table = table();
    for code in Error::CODES {
        let meaning = table.get(code);
        assert!(
            meaning.is_some_and(|m| !m.is_empty()),
            "{code} is not in error-codes.json"
        );
    }
}

/// Each code from a real failure of the public API, not from a variant built by hand: a
/// variant whose code changes fails here, and so does a code in `CODES` that nothing raises.
#[test]
fn real_failures_carry_their_documented_codes() {
    let manifest = common::manifest();
    let entry = manifest.model(LITE0).unwrap().clone();
    let bytes = common::model_bytes(LITE0);
    let clf = common::classifier(LITE0);
    let load_err = |entry: ModelEntry, bytes: &[u8]| match Classifier::new(entry, bytes) {
        Ok(_) => panic!("loaded"),
        Err(e) => e,
    };
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0xff;
    let unchecked = || ModelEntry {
        sha256: None,
        ..entry.clone()
    };
    let mut no_embedding = unchecked();
    no_embedding.output.embedding = None;
    let mut bad_labels = unchecked();
    bad_labels.output.labels = "no-such-labels".into();
    let fixture = |rel: &str| common::fixture(rel).to_string_lossy().into_owned();
    let unknown_label = Filter {
        category_allowlist: vec!["no such label".into()],
        ..Filter::top(5)
    };

    let failures: Vec<(&str, Error)> = vec![
        (
            "BAD_MANIFEST",
            ModelEntry::from_json(&lite0_with("/input", None)).unwrap_err(),
        ),
        ("BAD_MANIFEST", load_err(bad_labels, &bytes)),
        (
            "MODEL_NOT_FOUND",
            manifest.model("no-such-model").unwrap_err(),
        ),
        ("MODEL_INTEGRITY", load_err(entry.clone(), &flipped)),
        ("MODEL_INTEGRITY", load_err(unchecked(), &bytes[..mid])),
        ("BAD_IMAGE", Rgba::new(2, 2, &[0; 15]).err().unwrap()),
        (
            "BAD_IMAGE",
            decode_file(&fixture("odd/not-an-image.jpg")).err().unwrap(),
        ),
        ("BAD_OPTIONS", clf.check(&unknown_label).unwrap_err()),
        (
            "BAD_OPTIONS",
            Classifier::new(no_embedding, &bytes)
                .unwrap()
                .check_embedding()
                .unwrap_err(),
        ),
        (
            "INFERENCE",
            clf.run(&Input {
                shape: [1, 3, 7, 7],
                data: vec![0.0; 147],
            })
            .err()
            .unwrap(),
        ),
        (
            "INFERENCE",
            decode_file(&fixture("no-such-photo.jpg")).err().unwrap(),
        ),
    ];
    for (want, e) in &failures {
        println!("{}: {e}", e.code());
        assert_eq!(e.code(), *want, "{e:?}");
    }
    let reached: BTreeSet<&str> = failures.iter().map(|(_, e)| e.code()).collect();
    assert_eq!(reached, Error::CODES.into_iter().collect::<BTreeSet<_>>());
}

/// Lite0's entry as JSON with the value at `pointer` replaced, or removed if `value` is None.
fn lite0_with(pointer: &str, value: Option<serde_json::Value>) -> String {
    let entry = common::manifest().model(LITE0).unwrap().clone();
    let mut v = serde_json::to_value(entry).unwrap();
    match value {
        Some(value) => *v.pointer_mut(pointer).unwrap() = value,
        None => {
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            v.pointer_mut(parent)
                .unwrap()
                .as_object_mut()
                .unwrap()
                .remove(key);
        }
    }
    v.to_string()
}

#[test]
fn a_bad_entry_names_its_field_whether_serde_or_validate_rejects_it() {
    use serde_json::json;
    for (want, pointer, value) in [
        (
            "preprocess.cropPct must be in (0, 1], got 2",
            "/preprocess/cropPct",
            Some(json!(2)),
        ),
        (
            "preprocess.interpolation: unknown variant `cubic`",
            "/preprocess/interpolation",
            Some(json!("cubic")),
        ),
        (
            "preprocess.mean: invalid length 2",
            "/preprocess/mean",
            Some(json!([0.5, 0.5])),
        ),
        (
            "preprocess.std must be 3 finite non-zero numbers",
            "/preprocess/std/1",
            Some(json!(0)),
        ),
        (
            "input.shape[2]: invalid value",
            "/input/shape/2",
            Some(json!(-1)),
        ),
        (
            "input.shape must be [1, 3, 224, 224]",
            "/input/shape",
            Some(json!([1, 224, 224, 3])),
        ),
        (
            "output.kind: unknown variant `softmax`",
            "/output/kind",
            Some(json!("softmax")),
        ),
        ("preprocess.size is missing", "/preprocess/size", None),
        ("input is missing", "/input", None),
    ] {
        let e = ModelEntry::from_json(&lite0_with(pointer, value)).unwrap_err();
        println!("{e}");
        assert!(matches!(e, Error::Manifest(_)), "{e:?}");
        assert!(
            e.to_string()
                .contains(&format!("model 'efficientnet-lite0': {want}")),
            "{e}"
        );
    }
}

#[test]
fn a_bad_manifest_names_the_entry_and_field() {
    let text = std::fs::read_to_string(common::repo().join("models/manifest.json")).unwrap();
    let mut man: serde_json::Value = serde_json::from_str(&text).unwrap();
    man["models"][2]["preprocess"]["channelOrder"] = "RBG".into();
    let e = Manifest::from_json(&man.to_string()).unwrap_err();
    println!("{e}");
    assert!(
        e.to_string()
            .contains("models[2].preprocess.channelOrder: unknown variant `RBG`"),
        "{e}"
    );
}
