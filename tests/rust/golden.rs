//! Golden test: the crate against timm's reference pipeline (tests/fixtures/reference.json).

mod common;
use common::{floats, max_abs_diff};

use effnet::decode::decode_file;
use effnet::postprocess::Filter;
use serde_json::Value;

/// Measured: at most 1.6e-6 (rocket.jpg, Lite0), float summation order. JPEGs decode with
/// libjpeg-turbo's algorithms as PIL's do (src/decode/libjpeg.rs); with the `image` crate's
/// decoder rocket.jpg was off by 2.7e-3.
const MAX_ABS_DIFF: f32 = 1e-5;

fn check_model(id: &str) {
    let reference: Value =
        serde_json::from_str(&std::fs::read_to_string(common::fixture("reference.json")).unwrap())
            .unwrap();
    let clf = common::classifier(id);
    let images = reference[id]["images"]
        .as_object()
        .expect("model in reference.json");
    assert_eq!(images.len(), 4);
    for (name, r) in images {
        let img = decode_file(common::fixture(name).to_str().unwrap()).unwrap();
        let input = clf.preprocess(&img.rgba().unwrap()).unwrap();
        let probs = clf.probabilities(&input).unwrap();
        let ref_probs = reference_probs(r);
        assert_eq!(ref_probs.len(), 1000);
        let ref_top5: Vec<usize> = r["top5"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t[0].as_u64().unwrap() as usize)
            .collect();
        let top5 = clf.categories(&probs, &Filter::top(5)).unwrap();
        let diff = probs
            .iter()
            .zip(&ref_probs)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        println!(
            "{id} {name}: top-1 {} ({:.4}), reference {} ({:.4}); max |p - p_ref| = {diff:.2e}",
            top5[0].label, top5[0].score, r["top5"][0][1], r["top5"][0][2]
        );
        assert_eq!(top5[0].index, ref_top5[0], "{id} {name}: top-1");
        let mut ours: Vec<usize> = top5.iter().map(|c| c.index).collect();
        let mut theirs = ref_top5.clone();
        ours.sort();
        theirs.sort();
        assert_eq!(ours, theirs, "{id} {name}: top-5 sets");
        assert!(
            diff <= MAX_ABS_DIFF,
            "{id} {name}: max |p - p_ref| = {diff}"
        );
        assert_eq!(top5[0].label, r["top5"][0][1].as_str().unwrap());
    }
}

#[test]
fn lite0_matches_timm() {
    check_model("efficientnet-lite0");
}

#[test]
fn lite1_matches_timm() {
    check_model("efficientnet-lite1");
}

#[test]
fn lite2_matches_timm() {
    check_model("efficientnet-lite2");
}

/// Bound on max |p - p_fp32| (and |p - p_ref|) over the 1000 classes for a storage variant,
/// from measurement on the four photos: fp16 weights move probabilities by at most 4.1e-3
/// from the fp32 model (rocket.jpg), int8 (7-bit weights) by at most 4.1e-2 (rocket.jpg).
/// About twice those.
fn variant_bound(storage: &str) -> f32 {
    match storage {
        "fp16" => 0.01,
        "int8" => 0.08,
        other => panic!("unknown storage {other}"),
    }
}

/// The 1000 probabilities timm gives for one photo (an `images` entry of reference.json).
fn reference_probs(r: &Value) -> Vec<f32> {
    floats(&r["probs"])
}

fn argmax(p: &[f32]) -> usize {
    (0..p.len()).fold(0, |best, i| if p[i] > p[best] { i } else { best })
}

/// Every storage variant in the manifest (fp16, int8): on every photo, the top-1 of its fp32
/// model and of timm's reference (where reference.json has the model), and probabilities
/// within the storage's bound of both.
#[test]
fn storage_variants_keep_the_top1_of_their_fp32_model() {
    let reference: Value =
        serde_json::from_str(&std::fs::read_to_string(common::fixture("reference.json")).unwrap())
            .unwrap();
    let variants: Vec<_> = common::manifest()
        .models
        .into_iter()
        .filter(|m| m.variant_of.is_some())
        .collect();
    assert!(variants.len() >= 2, "the manifest lists storage variants");
    for v in variants {
        let base_id = v.variant_of.as_deref().unwrap();
        let bound = variant_bound(v.storage.as_deref().expect("a variant names its storage"));
        let (clf, base) = (common::classifier(&v.id), common::classifier(base_id));
        for name in ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"] {
            let img = decode_file(common::fixture(name).to_str().unwrap()).unwrap();
            let p = clf
                .probabilities(&clf.preprocess(&img.rgba().unwrap()).unwrap())
                .unwrap();
            let q = base
                .probabilities(&base.preprocess(&img.rgba().unwrap()).unwrap())
                .unwrap();
            let diff = max_abs_diff(&p, &q);
            println!(
                "{} {name}: top-1 {} ({:.4}), fp32 {}; max |p - p_fp32| = {diff:.2e}",
                v.id,
                argmax(&p),
                p[argmax(&p)],
                argmax(&q)
            );
            assert_eq!(argmax(&p), argmax(&q), "{} {name}: top-1", v.id);
            assert!(diff <= bound, "{} {name}: max |p - p_fp32| = {diff}", v.id);
            let r = &reference[base_id]["images"][name];
            if r.is_object() {
                let ref_probs = reference_probs(r);
                let diff = max_abs_diff(&p, &ref_probs);
                println!("{} {name}: max |p - p_ref| = {diff:.2e}", v.id);
                assert_eq!(argmax(&p), r["top5"][0][0].as_u64().unwrap() as usize);
                assert!(diff <= bound, "{} {name}: max |p - p_ref| = {diff}", v.id);
            }
        }
    }
}
