//! Bad input: every case is a clear error or a correct result, never a panic.

mod common;

use effnet::decode::{decode_bytes, decode_file};
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
        .classify(Rgba::new(1, 1, &[10, 200, 30, 255]).unwrap(), 5)
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
        .classify(Rgba::new(10_000, 10_000, &big).unwrap(), 1)
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
        let top = clf.classify(img.rgba().unwrap(), 1).unwrap();
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
        .classify(img.rgba().unwrap(), 1)
        .unwrap();
    assert_eq!(top[0].label, "espresso");
}

#[test]
fn each_resize_mode_needs_its_own_crop_parameter() {
    let mut e = entry();
    e.preprocess.crop_pct = None;
    let err = e.validate().unwrap_err().to_string();
    assert!(err.contains("needs cropPct"), "{err}");
    e.preprocess.resize = effnet::manifest::ResizeMode::CenterCropThenResize;
    let err = e.validate().unwrap_err().to_string();
    assert!(err.contains("needs cropPadding"), "{err}");
    e.preprocess.crop_padding = Some(32);
    e.validate().unwrap();
    e.preprocess.crop_pct = Some(0.9);
    assert!(e.validate().is_err(), "both crop parameters are ambiguous");
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
        Rgba::new(1, 1, &[200, 30, 40, 255]).unwrap(),
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
