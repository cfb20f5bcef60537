//! Bad input: every case is a clear error or a correct result, never a panic.

mod common;

use effnet::decode::{decode_bytes, decode_file};
use effnet::postprocess::Filter;
use effnet::{Classifier, Error, ModelEntry, Rgba};

const LITE0: &str = "efficientnet-lite0";

fn entry() -> ModelEntry {
    common::manifest().model(LITE0).unwrap().clone()
}

fn load_err(entry: ModelEntry, bytes: &[u8]) -> Error {
    match Classifier::new(entry, bytes) {
        Ok(_) => panic!("a bad model loaded"),
        Err(e) => e,
    }
}

#[test]
fn truncated_garbage_and_empty_models_are_clear_errors() {
    let good = common::model_bytes(LITE0);
    let half = &good[..good.len() / 2];
    let garbage: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    for (what, bytes) in [
        ("truncated", half),
        ("garbage", &garbage[..]),
        ("empty", &[][..]),
    ] {
        let e = load_err(
            ModelEntry {
                sha256: None,
                ..entry()
            },
            bytes,
        );
        println!("{what}: {e}");
        assert!(matches!(e, Error::Model { .. }), "{what}: {e:?}");
        assert!(e.to_string().contains(LITE0), "{what}: names the model");
    }
}

#[test]
fn a_checksum_mismatch_is_reported_before_parsing() {
    let mut bytes = common::model_bytes(LITE0);
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let e = load_err(entry(), &bytes);
    println!("{e}");
    assert!(matches!(e, Error::Checksum { .. }), "{e:?}");
    assert!(e.to_string().contains(entry().sha256.as_deref().unwrap()));
}

#[test]
fn a_manifest_that_does_not_fit_the_model_is_a_clear_error() {
    let bytes = common::model_bytes(LITE0);
    let mut wrong_name = entry();
    wrong_name.input.name = "image".into();
    let e = load_err(wrong_name, &bytes);
    println!("{e}");
    assert!(e.to_string().contains("'image'"), "{e}");
    assert!(matches!(
        effnet::Manifest::from_json("{\"schema\": 1, \"models\": [{\"id\": 3}]}"),
        Err(Error::Manifest(_))
    ));
    let e = common::manifest().model("efficientnet-b99").unwrap_err();
    assert!(
        e.to_string().contains("efficientnet-lite0"),
        "lists known ids: {e}"
    );
}

#[test]
fn empty_and_mis_sized_pixel_buffers_are_rejected() {
    assert!(matches!(Rgba::new(0, 0, &[]), Err(Error::Image { .. })));
    assert!(matches!(Rgba::new(0, 5, &[]), Err(Error::Image { .. })));
    let e = Rgba::new(2, 2, &[0; 15]).unwrap_err();
    assert!(e.to_string().contains("16"), "{e}");
    assert!(Rgba::new(40_000, 1, &[]).is_err());
}

#[test]
fn tiny_huge_and_odd_images_classify() {
    let clf = common::classifier(LITE0);
    // 1x1: upscaled to 256x256, a valid (if meaningless) result
    let top = clf
        .classify(
            &Rgba::new(1, 1, &[10, 200, 30, 255]).unwrap(),
            &Filter::top(5),
        )
        .unwrap();
    assert_eq!(top.len(), 5);
    assert!(top.windows(2).all(|w| w[0].score >= w[1].score));
    // 10000 x 10000: the photo tiled; it is still a cat picture at every scale we crop
    let photo = decode_file(common::fixture("chelsea.png").to_str().unwrap()).unwrap();
    let (w, h) = (10_000usize, 10_000usize);
    let mut big = vec![0u8; w * h * 4];
    for (y, row) in big.chunks_exact_mut(w * 4).enumerate() {
        let sy = y * photo.height as usize / h;
        for (x, px) in row.chunks_exact_mut(4).enumerate() {
            let sx = x * photo.width as usize / w;
            let o = (sy * photo.width as usize + sx) * 4;
            px.copy_from_slice(&photo.rgba[o..o + 4]);
        }
    }
    let top = clf
        .classify(&Rgba::new(10_000, 10_000, &big).unwrap(), &Filter::top(1))
        .unwrap();
    println!("10000x10000: {:?}", top[0]);
    assert!((281..=285).contains(&top[0].index), "{:?}", top[0]);
}

#[test]
fn grayscale_16_bit_rgba_and_cmyk_files_decode_and_classify() {
    let clf = common::classifier(LITE0);
    for name in ["gray.png", "gray16.png", "rgba.png", "cmyk.jpg"] {
        let img = decode_file(common::fixture(&format!("odd/{name}")).to_str().unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let top = clf.classify(&img.rgba().unwrap(), &Filter::top(1)).unwrap();
        println!("{name}: {:?}", top[0]);
        assert!((281..=285).contains(&top[0].index), "{name}: {:?}", top[0]);
    }
}

#[test]
fn non_images_and_truncated_files_name_the_file() {
    for name in ["not-an-image.jpg", "truncated.png"] {
        let path = common::fixture(&format!("odd/{name}"));
        let e = decode_file(path.to_str().unwrap()).err().expect("an error");
        println!("{e}");
        assert!(matches!(e, Error::Decode { .. }), "{e:?}");
        assert!(e.to_string().contains(name), "{e}");
    }
    assert!(matches!(
        decode_bytes("empty.png", &[]),
        Err(Error::Decode { .. })
    ));
    assert!(matches!(
        decode_file("/no/such/photo.jpg"),
        Err(Error::Io { .. })
    ));
}

#[test]
fn exif_orientation_is_applied() {
    // stored 400x600 sideways, tagged orientation 6
    let img = decode_file(common::fixture("odd/exif-rotated.jpg").to_str().unwrap()).unwrap();
    assert_eq!((img.width, img.height), (600, 400));
    let upright = decode_file(common::fixture("coffee.png").to_str().unwrap()).unwrap();
    let diff: u64 = img
        .rgba
        .iter()
        .zip(&upright.rgba)
        .map(|(a, b)| a.abs_diff(*b) as u64)
        .sum();
    let mean = diff as f64 / img.rgba.len() as f64;
    println!("mean |upright - original| = {mean:.2}");
    assert!(mean < 5.0, "{mean}: not upright");
    let top = common::classifier(LITE0)
        .classify(&img.rgba().unwrap(), &Filter::top(1))
        .unwrap();
    assert_eq!(top[0].label, "espresso");
}

#[test]
fn each_resize_mode_needs_its_own_crop_parameter() {
    use effnet::manifest::Resize;
    use serde_json::json;
    // the manifest's Lite0 entry with its preprocess's resize fields replaced
    let with = |fields: serde_json::Value| {
        let mut v = serde_json::to_value(entry()).unwrap();
        let p = v["preprocess"].as_object_mut().unwrap();
        p.retain(|k, _| !["resize", "cropPct", "cropPadding"].contains(&k.as_str()));
        p.extend(fields.as_object().unwrap().clone());
        ModelEntry::from_json(&v.to_string()).map_err(|e| e.to_string())
    };
    let short = json!({"resize": "shortSideThenCenterCrop"});
    let err = with(short).unwrap_err();
    assert!(
        err.contains("preprocess.cropPct is missing: resize shortSideThenCenterCrop needs cropPct"),
        "{err}"
    );
    let err = with(json!({"resize": "centerCropThenResize", "cropPct": null})).unwrap_err();
    assert!(err.contains("preprocess.cropPadding is missing"), "{err}");
    let err = with(json!({"resize": "centerCropThenResize", "cropPadding": 32, "cropPct": 0.9}))
        .unwrap_err();
    assert!(
        err.contains("preprocess.cropPct must be absent with resize centerCropThenResize"),
        "{err}"
    );
    let err = with(json!({"resize": "shortSideThenCenterCrop", "cropPct": 0.0})).unwrap_err();
    assert!(
        err.contains("preprocess.cropPct must be in (0, 1], got 0"),
        "{err}"
    );
    // null stands for absent, as in JS
    let e = with(json!({"resize": "centerCropThenResize", "cropPadding": 32, "cropPct": null}))
        .unwrap();
    assert_eq!(
        e.preprocess.resize,
        Resize::CenterCropThenResize { crop_padding: 32 }
    );
    // and the JSON form is unchanged: what is read is written back the same
    let e = with(json!({"resize": "shortSideThenCenterCrop", "cropPct": 0.875})).unwrap();
    assert_eq!(
        e.preprocess.resize,
        Resize::ShortSideThenCenterCrop { crop_pct: 0.875 }
    );
    let back = serde_json::to_value(&e.preprocess).unwrap();
    assert_eq!(back["resize"], "shortSideThenCenterCrop");
    assert_eq!(back["cropPct"], 0.875);
    assert!(back.get("cropPadding").is_none(), "{back}");
}

#[test]
fn a_filter_checks_its_lists_against_the_labels_and_keeps_what_it_names() {
    let clf = common::classifier(LITE0);
    let img = decode_file(common::fixture("chelsea.png").to_str().unwrap()).unwrap();
    let img = img.rgba().unwrap();
    let filter = |json: &str| -> Filter { serde_json::from_str(json).unwrap() };
    let all = clf
        .classify(&img, &filter(r#"{"maxResults": null, "scoreThreshold": 0, "categoryAllowlist": [], "categoryDenylist": []}"#))
        .unwrap();
    assert_eq!(all.len(), 1000, "maxResults null: every category");
    assert!(all.windows(2).all(|w| w[0].score >= w[1].score));
    let only = clf
        .classify(&img, &filter(r#"{"maxResults": 5, "scoreThreshold": 0, "categoryAllowlist": ["tabby cat", "lynx"], "categoryDenylist": []}"#))
        .unwrap();
    let names: Vec<&str> = only.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(only.len(), 2, "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| n.contains("tabby") || n.contains("lynx")),
        "{names:?}"
    );
    let denied = clf
        .classify(&img, &filter(&format!(r#"{{"maxResults": 1, "scoreThreshold": 0, "categoryAllowlist": [], "categoryDenylist": ["{}"]}}"#, all[0].label)))
        .unwrap();
    assert_eq!(
        denied[0].index, all[1].index,
        "the best is denied, the second comes first"
    );
    let above = clf
        .classify(&img, &filter(r#"{"maxResults": null, "scoreThreshold": 0.01, "categoryAllowlist": [], "categoryDenylist": []}"#))
        .unwrap();
    assert!(!above.is_empty() && above.len() < 1000 && above.iter().all(|c| c.score >= 0.01));
    for (json, want) in [
        (
            r#"{"maxResults": 1, "scoreThreshold": 0, "categoryAllowlist": ["no such thing"], "categoryDenylist": []}"#,
            "no category is named 'no such thing'",
        ),
        (
            r#"{"maxResults": 1, "scoreThreshold": 0, "categoryAllowlist": ["lynx"], "categoryDenylist": ["tabby cat"]}"#,
            "mutually exclusive",
        ),
    ] {
        let err = clf.classify(&img, &filter(json)).unwrap_err();
        assert_eq!(err.code(), "BAD_OPTIONS");
        assert!(err.to_string().contains(want), "{err}");
    }
    // every field is required and no other is taken: the defaults are the callers'
    for json in [
        r#"{"maxResults": 1}"#,
        r#"{"maxResults": 1, "scoreThreshold": 0, "categoryAllowlist": [], "categoryDenylist": [], "topK": 3}"#,
        r#"{"maxResults": -1, "scoreThreshold": 0, "categoryAllowlist": [], "categoryDenylist": []}"#,
    ] {
        assert!(serde_json::from_str::<Filter>(json).is_err(), "{json}");
    }
}

#[test]
fn the_manifest_marks_user_supplied_models_as_not_built() {
    let man = common::manifest();
    let b7 = man.model("efficientnet-b7").unwrap();
    assert!(b7.needs_user_weights());
    assert_eq!(b7.input.layout, effnet::manifest::Layout::Nhwc);
    let e = b7.not_built();
    assert!(matches!(e, Error::NotBuilt { .. }));
    assert!(!man.model(LITE0).unwrap().needs_user_weights());
}

#[test]
fn the_tf_crop_of_a_one_pixel_image_is_that_pixel() {
    let b7 = common::manifest().model("efficientnet-b7").unwrap().clone();
    let x = effnet::preprocess::preprocess(
        &Rgba::new(1, 1, &[200, 30, 40, 255]).unwrap(),
        &b7.preprocess,
        b7.input.layout,
    )
    .unwrap();
    assert_eq!(x.shape, [1, 600, 600, 3]);
    assert!(x.data.chunks(3).all(|p| p == [200.0, 30.0, 40.0]));
}

#[test]
fn a_storage_variant_must_share_its_models_contract() {
    let text = std::fs::read_to_string(common::repo().join("models/manifest.json")).unwrap();
    let mut man: serde_json::Value = serde_json::from_str(&text).unwrap();
    let models = man["models"].as_array_mut().unwrap();
    let i = models
        .iter()
        .position(|m| m["id"] == "efficientnet-lite0-fp16")
        .expect("the manifest lists efficientnet-lite0-fp16");
    models[i]["preprocess"]["size"] = 240.into();
    models[i]["input"]["shape"] = serde_json::json!([1, 3, 240, 240]);
    let e = effnet::Manifest::from_json(&man.to_string()).unwrap_err();
    println!("{e}");
    assert!(
        e.to_string().contains("must be efficientnet-lite0's"),
        "{e}"
    );
    man["models"][i]["variantOf"] = "efficientnet-lite9".into();
    let e = effnet::Manifest::from_json(&man.to_string()).unwrap_err();
    assert!(e.to_string().contains("names no listed model"), "{e}");
}

#[test]
fn the_built_in_label_sets_are_the_manifests() {
    // JS reads labelSets from the manifest; Rust builds its label sets in (labels.rs)
    let text = std::fs::read_to_string(common::repo().join("models/manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    let sets = manifest["labelSets"].as_object().unwrap();
    assert!(!sets.is_empty());
    for (name, set) in sets {
        let labels = effnet::labels::Labels::builtin(name).unwrap();
        assert_eq!(
            labels.len() as u64,
            set["count"].as_u64().unwrap(),
            "{name}"
        );
        let file = std::fs::read_to_string(
            common::repo()
                .join("models")
                .join(set["file"].as_str().unwrap()),
        )
        .unwrap();
        let from_file = effnet::labels::Labels::from_tsv(&file).unwrap();
        assert!(
            (0..labels.len()).all(|i| labels.label(i) == from_file.label(i)),
            "{name}"
        );
    }
}
