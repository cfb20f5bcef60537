//! Bad input: every case is a clear error or a correct result, never a panic.

mod common;
mod fuzz;

use effnet::decode::{decode_bytes, decode_bytes_fast, decode_file};
use effnet::postprocess::Filter;
use effnet::{Classifier, Error, ModelEntry, Rgba};
use std::time::{Duration, Instant};

use fuzz::bombs::{set_size, webp_lossless};
use fuzz::meter;

// every allocation of this binary's tests is counted per thread: the bombs' and the fuzzer's
// measured as they decode (tests/rust/fuzz/meter.rs)
#[global_allocator]
static METER: meter::Meter = meter::Meter;

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

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(common::repo().join(rel)).unwrap()
}

/// `rel`'s bytes declaring `size` instead (`gif_frame`: a GIF's first frame, not its screen).
fn declaring(rel: &str, size: (u32, u32), gif_frame: bool) -> Vec<u8> {
    let mut b = read(rel);
    assert!(set_size(&mut b, size, gif_frame), "{rel}");
    b
}

/// Small files declaring huge images, each named for what it is.
fn bombs() -> Vec<(&'static str, Vec<u8>)> {
    let cat = "tests/fixtures/jpeg/chelsea-420.jpg";
    let gif = "tests/rust/fuzz/seeds/still.gif";
    vec![
        // 30 bytes that decode to 16383 x 16383 black pixels: 1 GiB of RGBA
        ("lossless-16383.webp", webp_lossless(16383, 16383)),
        (
            "30000.png",
            declaring("tests/fixtures/odd/one-pixel.png", (30000, 30000), false),
        ),
        (
            "32769x1.png",
            declaring("tests/fixtures/odd/one-pixel.png", (32769, 1), false),
        ),
        ("sof-65500.jpg", declaring(cat, (65500, 65500), false)),
        (
            "progressive-60000.jpg",
            declaring(
                "tests/fixtures/jpeg/chelsea-420-progressive.jpg",
                (60000, 20000),
                false,
            ),
        ),
        ("screen-65535.gif", declaring(gif, (65535, 65535), false)),
        ("frame-65535.gif", declaring(gif, (65535, 65535), true)),
        (
            "vp8-16383.webp",
            declaring("tests/rust/fuzz/seeds/lossy.webp", (16383, 16383), false),
        ),
        (
            "canvas-16777216.webp",
            declaring(
                "tests/rust/fuzz/seeds/lossy-alpha.webp",
                (1 << 24, 1 << 24),
                false,
            ),
        ),
    ]
}

#[test]
fn image_bombs_are_refused_before_decoding_naming_the_file_and_the_limit() {
    let p = entry().preprocess;
    for (name, bytes) in bombs() {
        // the browser's path: the crate opens the bytes for createImageBitmap (wasm openImage)
        let e = effnet::decode::open(name, &bytes).err();
        assert!(matches!(e, Some(Error::TooLarge { .. })), "{name}: {e:?}");
        for fast in [false, true] {
            let t0 = Instant::now();
            let (r, used) = meter::measure(|| match fast {
                false => decode_bytes(name, &bytes),
                true => decode_bytes_fast(name, &bytes, &p),
            });
            let took = t0.elapsed();
            let e = r.err().unwrap_or_else(|| panic!("{name} decoded"));
            let msg = e.to_string();
            println!(
                "{name} ({} bytes): {took:?}, {} bytes at most: {msg}",
                bytes.len(),
                used.peak
            );
            assert!(matches!(e, Error::TooLarge { .. }), "{name}: {e:?}");
            assert_eq!(e.code(), "BAD_IMAGE");
            assert!(msg.starts_with(&format!("{name}: the image is ")), "{msg}");
            assert!(msg.contains("250 MP and 32768 pixels a side"), "{msg}");
            // refused from the headers: nothing allocated for the pixels, nothing decoded
            assert!(
                used.largest < 1 << 20,
                "{name}: asked for {} bytes",
                used.largest
            );
            assert!(used.peak < 1 << 20, "{name}: held {} bytes", used.peak);
            // about a millisecond; the margin is for a loaded machine
            assert!(took < Duration::from_millis(200), "{name}: {took:?}");
        }
    }
}

#[test]
fn a_webp_chunk_claiming_more_than_the_file_is_refused_unread() {
    // what the fuzzer found: an animated WebP, RIFF length true, with a chunk after its frame
    // saying it holds 2.5 GB; the `image` crate allocated 200 MB for it
    let mut b = read("tests/rust/fuzz/seeds/animated.webp");
    b.extend(b"z\nu\xee\x2f\x3b\x3a\x99");
    b.extend([0u8; 19]);
    let riff = (b.len() - 8) as u32;
    b[4..8].copy_from_slice(&riff.to_le_bytes());
    let (r, used) = meter::measure(|| decode_bytes("chunk.webp", &b));
    let e = r.err().expect("an error");
    assert!(
        e.to_string()
            .starts_with("chunk.webp: the WebP file is truncated"),
        "{e}"
    );
    assert!(used.largest < 1 << 20, "asked for {} bytes", used.largest);
}

#[test]
fn every_camera_photo_size_is_within_the_limit() {
    // the size check alone (`open` decodes nothing): a 200 MP phone photo, Phase One's 150 MP,
    // Sony's 240.9 MP pixel-shift composite, a 32768-wide panorama
    for size in [
        (16320, 12240),
        (12240, 16320),
        (14204, 10652),
        (19008, 12672),
        (32768, 7000),
    ] {
        let png = declaring("tests/fixtures/odd/one-pixel.png", size, false);
        let opened = effnet::decode::open("photo.png", &png);
        assert!(opened.is_ok(), "{size:?}: {:?}", opened.err());
    }
}

#[test]
fn the_size_a_file_declares_is_the_size_it_decodes_to() {
    use effnet::decode::format::Format;
    for rel in fuzz::SEEDS {
        let bytes = read(rel);
        let format = Format::sniff(&bytes).unwrap();
        let (w, h) = (format.spec().size)(&bytes).unwrap_or_else(|| panic!("{rel}"));
        let img = decode_bytes(rel, &bytes).unwrap();
        // EXIF orientation may turn it
        let decoded = (img.width, img.height);
        assert!(
            decoded == (w, h) || decoded == (h, w),
            "{rel}: {w}x{h}, {decoded:?}"
        );
    }
}

#[test]
fn the_bombs_are_real_files_at_a_small_size() {
    // the same bytes with a small size decode: a bomb is refused for its size alone
    let img = decode_bytes("small.webp", &webp_lossless(64, 48)).unwrap();
    assert_eq!((img.width, img.height), (64, 48));
    assert!(img.rgba.chunks(4).all(|px| px == [0, 0, 0, 255]));
    for (_, bytes) in bombs().into_iter().filter(|(n, _)| n.ends_with(".gif")) {
        let mut small = bytes;
        set_size(&mut small, (96, 64), false);
        set_size(&mut small, (96, 64), true);
        assert_eq!(decode_bytes("small.gif", &small).unwrap().width, 96);
    }
}

#[test]
fn a_bomb_among_photos_fails_alone_and_memory_stays_flat() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let bomb = dir.join("bomb-30000.png");
    std::fs::write(&bomb, &bombs()[1].1).unwrap();
    let coffee = common::fixture("coffee.png");
    // the address space capped at 1.5 GiB: the model and one photo fit, a bomb decoded would
    // not (30000 x 30000 RGBA is 3.4 GiB)
    let out = std::process::Command::new("sh")
        .current_dir(common::repo())
        .arg("-c")
        .arg("ulimit -v 1572864 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_effnet"))
        .args(["classify", "-m", LITE0, "--top-k", "1", "--jobs", "1"])
        .args([&bomb, &coffee, &bomb])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    println!("{stdout}{stderr}");
    assert_eq!(out.status.code(), Some(1), "one or more failed");
    assert!(stdout.contains("espresso"), "the photo is classified");
    let refused = format!(
        "{}: the image is 30000x30000 pixels (900 MP)",
        bomb.display()
    );
    assert_eq!(stderr.matches(&refused).count(), 2, "{stderr}");
    assert!(stderr.contains("2 of 3 images failed"), "{stderr}");
}

#[test]
fn decoders_survive_mutated_files() {
    // CI's budget: a fixed seed and count (about 15 s here, loaded); EFFNET_FUZZ_SECS runs for that
    // long instead, from EFFNET_FUZZ_SEED
    let env = |k: &str| std::env::var(k).ok().map(|v| v.parse::<u64>().unwrap());
    let seed = env("EFFNET_FUZZ_SEED").unwrap_or(26);
    let budget = match env("EFFNET_FUZZ_SECS") {
        Some(s) => fuzz::Budget::Time(Duration::from_secs(s)),
        None => fuzz::Budget::Inputs(5000),
    };
    let r = fuzz::run(&common::repo(), &entry().preprocess, seed, budget);
    println!(
        "fuzz (seed {seed}): {} inputs, {} decodes in {:.1?} ({:.0}/s); {} decoded ({} Mpx), \
         {} too large, {} other errors, {} declaring over 40 Mpx size-checked only; slowest {:?}, \
         peak heap {} MB, largest request {} MB",
        r.inputs,
        r.decodes,
        r.elapsed,
        r.decodes as f64 / r.elapsed.as_secs_f64(),
        r.decodes - r.too_large - r.other_errors,
        r.pixels / 1_000_000,
        r.too_large,
        r.other_errors,
        r.large,
        r.slowest,
        r.peak >> 20,
        r.largest >> 20,
    );
    assert!(r.failures.is_empty(), "{}", r.failures.join("\n"));
    assert!(
        r.too_large > 0 && r.other_errors > 0 && r.pixels > 0,
        "{r:?}"
    );
}
