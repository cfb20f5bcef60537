//! Golden test: the crate against timm's reference pipeline (tests/fixtures/reference.json).

mod common;

use effnet::decode::decode_file;
use serde_json::Value;

const MAX_ABS_DIFF: f32 = 0.01;

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
        let input = clf.preprocess(img.rgba().unwrap()).unwrap();
        let probs = clf.probabilities(input).unwrap();
        let ref_probs: Vec<f32> = r["probs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        assert_eq!(ref_probs.len(), 1000);
        let ref_top5: Vec<usize> = r["top5"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t[0].as_u64().unwrap() as usize)
            .collect();
        let top5 = clf.top_k(&probs, 5);
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
fn lite2_classifies_the_photos() {
    // no reference probabilities for Lite2 here; the photos are unambiguous enough
    let clf = common::classifier("efficientnet-lite2");
    for (name, want) in [("coffee.png", 967), ("chelsea.png", 0)] {
        let img = decode_file(common::fixture(name).to_str().unwrap()).unwrap();
        let top = clf.classify(img.rgba().unwrap(), 5).unwrap();
        println!("efficientnet-lite2 {name}: {:?}", top[0]);
        if want != 0 {
            assert_eq!(top[0].index, want, "{name}");
        } else {
            // a tabby: one of the domestic-cat classes (281..=285)
            assert!((281..=285).contains(&top[0].index), "{name}: {:?}", top[0]);
        }
    }
}
