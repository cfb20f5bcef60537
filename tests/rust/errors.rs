//! Errors as callers see them: every code Rust gives is one the JS library documents, and a bad
//! model entry's message names the field.

mod common;

use effnet::{Error, Manifest, ModelEntry};
use std::collections::BTreeMap;

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

#[test]
fn each_kind_of_error_has_its_documented_code() {
    let s = || "x".to_string();
    let io = || std::io::Error::other("x");
    for (e, code) in [
        (Error::Manifest(s()), "BAD_MANIFEST"),
        (Error::Labels(s()), "BAD_MANIFEST"),
        (
            Error::UnknownModel {
                id: s(),
                known: s(),
            },
            "MODEL_NOT_FOUND",
        ),
        (
            Error::NotBuilt {
                model: s(),
                checkpoint: s(),
            },
            "MODEL_NOT_FOUND",
        ),
        (
            Error::Checksum {
                model: s(),
                expected: s(),
                actual: s(),
            },
            "MODEL_INTEGRITY",
        ),
        (
            Error::Model {
                model: s(),
                reason: s(),
            },
            "MODEL_INTEGRITY",
        ),
        (
            Error::Image {
                width: 1,
                height: 1,
                reason: s(),
            },
            "BAD_IMAGE",
        ),
        (
            Error::Decode {
                path: s(),
                reason: s(),
            },
            "BAD_IMAGE",
        ),
        (Error::Options(s()), "BAD_OPTIONS"),
        (Error::NoEmbedding { model: s() }, "BAD_OPTIONS"),
        (Error::Inference(s()), "INFERENCE"),
        (
            Error::Io {
                path: s(),
                source: io(),
            },
            "INFERENCE",
        ),
    ] {
        assert_eq!(e.code(), code, "{e:?}");
    }
}

/// Lite0's entry as JSON with the value at `pointer` replaced, or removed if `value` is None.
fn lite0_with(pointer: &str, value: Option<serde_json::Value>) -> String {
    let entry = common::manifest()
        .model("efficientnet-lite0")
        .unwrap()
        .clone();
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
