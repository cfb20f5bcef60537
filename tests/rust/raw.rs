//! Camera RAW files through their embedded JPEG previews (crate/src/decode/raw/), on the
//! fixtures of tests/fixtures/raw/make_raw.py: each format's preview found and decoded,
//! turned upright by the RAW's orientation, classified as its source photo is; a preview too
//! small or missing, a damaged one and a cut file each a clear error naming the file.

mod common;

use effnet::decode::format::Format;
use effnet::decode::{decode_bytes, decode_bytes_fast, open_for, DecodedImage, Opened};
use effnet::postprocess::Filter;
use effnet::Error;
use serde_json::Value;

const LITE0: &str = "efficientnet-lite0";

fn manifest() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(common::fixture("raw/raw.json")).unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(common::fixture(&format!("raw/{name}"))).unwrap()
}

/// The fixtures that have a preview to read, with their manifest entries.
fn readable() -> Vec<(String, Value)> {
    manifest()
        .into_iter()
        .filter(|(_, v)| v.get("preview").is_some())
        .collect()
}

fn top1_of_reference(source: &str) -> u64 {
    let text = std::fs::read_to_string(common::fixture("reference.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v[LITE0]["images"][source]["top5"][0][0].as_u64().unwrap()
}

fn rotate(img: DecodedImage, orientation: u64) -> DecodedImage {
    let rgba = image::RgbaImage::from_raw(img.width, img.height, img.rgba).unwrap();
    let out = match orientation {
        1 => rgba,
        6 => image::imageops::rotate90(&rgba),
        8 => image::imageops::rotate270(&rgba),
        o => panic!("orientation {o} not in the fixtures"),
    };
    DecodedImage {
        width: out.width(),
        height: out.height(),
        rgba: out.into_raw(),
    }
}

#[test]
fn each_format_is_recognised_and_its_largest_preview_decoded_upright() {
    let p = common::manifest().model(LITE0).unwrap().preprocess.clone();
    for (name, entry) in readable() {
        let bytes = read(&name);
        let ext = name.rsplit('.').next().unwrap().to_uppercase();
        let format = Format::sniff(&bytes).unwrap_or_else(|| panic!("{name}: not sniffed"));
        assert_eq!(format.name(), ext, "{name}");
        let range = entry["preview"].as_array().unwrap();
        let (a, b) = (range[0].as_u64().unwrap(), range[1].as_u64().unwrap());
        let preview = &bytes[a as usize..b as usize];
        // the path's choice is the manifest's: the preview's own bytes, turned by the RAW
        let expected = rotate(
            decode_bytes("preview.jpg", preview).unwrap(),
            entry["orientation"].as_u64().unwrap(),
        );
        let exact = decode_bytes(&name, &bytes).unwrap();
        assert_eq!(
            (exact.width, exact.height),
            (expected.width, expected.height)
        );
        assert!(exact.rgba == expected.rgba, "{name}: exact pixels differ");
        // the previews are below 2 x 256 a side: 'fast' decodes them at full size too
        let fast = decode_bytes_fast(&name, &bytes, &p).unwrap();
        assert!(fast.rgba == expected.rgba, "{name}: fast pixels differ");
    }
}

#[test]
fn each_format_classifies_as_its_source_photo() {
    let clf = common::classifier(LITE0);
    let p = clf.entry().preprocess.clone();
    for (name, entry) in readable() {
        let bytes = read(&name);
        let source = entry["source"].as_str().unwrap();
        let want = top1_of_reference(source);
        for (way, img) in [
            ("exact", decode_bytes(&name, &bytes).unwrap()),
            ("fast", decode_bytes_fast(&name, &bytes, &p).unwrap()),
        ] {
            let top = clf.classify(&img.rgba().unwrap(), &Filter::top(1)).unwrap();
            println!("{name} ({way}): {} {:.3}", top[0].label, top[0].score);
            assert_eq!(
                top[0].index as u64, want,
                "{name} ({way}): {}",
                top[0].label
            );
        }
    }
}

#[test]
fn rotated_raws_come_out_upright() {
    let clf = common::classifier(LITE0);
    for (name, entry) in readable() {
        if entry["orientation"].as_u64() == Some(1) {
            continue;
        }
        let img = decode_bytes(&name, &read(&name)).unwrap();
        let source = entry["source"].as_str().unwrap();
        let upright =
            effnet::decode::decode_file(common::fixture(source).to_str().unwrap()).unwrap();
        assert_eq!(
            (img.width, img.height),
            (upright.width, upright.height),
            "{name}"
        );
        let diff: u64 = img
            .rgba
            .iter()
            .zip(&upright.rgba)
            .map(|(a, b)| a.abs_diff(*b) as u64)
            .sum();
        let mean = diff as f64 / img.rgba.len() as f64;
        println!("{name}: mean |decoded - {source}| = {mean:.2}");
        assert!(mean < 4.0, "{name}: {mean}, not upright");
        // and the classifier sees the same photo: every probability within 0.05 of the source's
        let probs = |im: &DecodedImage| {
            clf.classify(&im.rgba().unwrap(), &Filter::top(1000))
                .unwrap()
                .into_iter()
                .map(|c| (c.index, c.score))
                .collect::<std::collections::HashMap<_, _>>()
        };
        let (a, b) = (probs(&img), probs(&upright));
        let worst = a.iter().map(|(i, p)| (p - b[i]).abs()).fold(0f32, f32::max);
        println!("{name}: max |p - p_source| = {worst:.4}");
        assert!(worst < 0.05, "{name}: {worst}");
    }
}

fn error(name: &str, bytes: &[u8]) -> String {
    let e = decode_bytes(name, bytes)
        .err()
        .unwrap_or_else(|| panic!("{name} decoded"));
    assert!(matches!(e, Error::Decode { .. }), "{name}: {e:?}");
    assert_eq!(e.code(), "BAD_IMAGE");
    let msg = e.to_string();
    assert!(msg.starts_with(&format!("{name}: ")), "{msg}");
    msg
}

#[test]
fn a_preview_too_small_or_missing_is_an_error_saying_so() {
    for (name, entry) in manifest() {
        let Some(want) = entry.get("error").and_then(Value::as_str) else {
            continue;
        };
        let msg = error(&name, &read(&name));
        println!("{msg}");
        assert!(msg.contains(want), "{msg}");
    }
    let msg = error("thumbnail-only.arw", &read("thumbnail-only.arw"));
    assert!(
        msg.contains("160x120") && msg.contains("256-pixel short side"),
        "{msg}"
    );
    // the bar is the model's resize: B7's 632 refuses the 600x400 preview Lite0 takes
    let b7 = common::manifest()
        .model("efficientnet-b7")
        .unwrap()
        .preprocess
        .clone();
    let e = decode_bytes_fast("coffee.arw", &read("coffee.arw"), &b7)
        .err()
        .unwrap();
    assert!(
        e.to_string()
            .contains("600x400, smaller than the 632-pixel"),
        "{e}"
    );
    assert!(open_for("coffee.arw", &read("coffee.arw"), Some(400)).is_ok());
}

/// `bytes` with the preview whose range `entry` gives cut short: its end marker gone.
fn damaged(bytes: &[u8], entry: &Value) -> Vec<u8> {
    let r = entry["preview"].as_array().unwrap();
    let end = r[1].as_u64().unwrap() as usize;
    let mut b = bytes.to_vec();
    assert_eq!(&b[end - 2..end], [0xFF, 0xD9]);
    b[end - 2..end].copy_from_slice(&[0, 0]);
    b
}

#[test]
fn a_damaged_preview_falls_back_to_the_next_largest_and_says_so() {
    let m = manifest();
    // CR3: the full-size JPEG damaged, its PRVW (400x266) is used, which Lite0 takes
    let bytes = damaged(&read("coffee.cr3"), &m["coffee.cr3"]);
    let img = decode_bytes("coffee.cr3", &bytes).unwrap();
    assert_eq!((img.width, img.height), (400, 266));
    // NEF: the JpgFromRaw damaged, no other JPEG: missing, and why
    let bytes = damaged(&read("chelsea.nef"), &m["chelsea.nef"]);
    let msg = error("chelsea.nef", &bytes);
    assert!(
        msg.contains("no embedded JPEG preview (the 451x300 preview is cut short)"),
        "{msg}"
    );
    // CR2: the full-size one damaged, the 160x120 thumbnail is too small, and why
    let bytes = damaged(&read("chelsea.cr2"), &m["chelsea.cr2"]);
    let msg = error("chelsea.cr2", &bytes);
    assert!(
        msg.contains("is 160x120 (the 451x300 preview is cut short; the next largest is used)"),
        "{msg}"
    );
}

#[test]
fn a_raw_cut_short_is_truncated_and_other_tiffs_are_not_raws() {
    for name in ["chelsea.raf", "coffee.cr3"] {
        let bytes = read(name);
        let msg = error(name, &bytes[..bytes.len() - 100]);
        assert!(msg.contains("file is truncated"), "{msg}");
    }
    // a plain TIFF (no DNGVersion, no camera maker's Make) is not claimed as a RAW
    let mut tiff = read("chelsea.nef");
    let at = tiff.windows(5).position(|w| w == b"NIKON").unwrap();
    tiff[at..at + 5].copy_from_slice(b"EPSON");
    assert_eq!(Format::sniff(&tiff), None);
}

#[test]
fn the_opened_preview_is_a_part_of_the_file() {
    // a JS host gets the preview's bytes to decode where no orientation is to be applied,
    // and pixels from the crate where one is (its decoder would not know it)
    let bytes = read("chelsea.nef");
    match open_for("chelsea.nef", &bytes, Some(256)).unwrap() {
        Opened::Image { format, bytes: b } => {
            assert_eq!(format, Format::Jpeg);
            assert!(b.as_ptr() > bytes.as_ptr());
        }
        _ => panic!("not the embedded JPEG"),
    }
    let bytes = read("coffee-rotated-6.cr2");
    assert!(matches!(
        open_for("coffee-rotated-6.cr2", &bytes, Some(256)).unwrap(),
        Opened::Oriented { .. }
    ));
}

#[test]
fn finding_the_preview_costs_microseconds() {
    // the decode of the preview is a JPEG's; what RAW adds is reading the structure
    let files: Vec<(String, Vec<u8>)> = readable()
        .into_iter()
        .map(|(n, _)| (read(&n), n))
        .map(|(b, n)| (n, b))
        .collect();
    let t0 = std::time::Instant::now();
    let rounds = 200;
    for _ in 0..rounds {
        for (name, bytes) in &files {
            open_for(name, bytes, Some(256)).unwrap();
        }
    }
    let per = t0.elapsed() / (rounds * files.len() as u32);
    println!("open (sniff, check, find and choose the preview): {per:?} per RAW");
    assert!(per < std::time::Duration::from_millis(5), "{per:?}");
}

#[test]
fn the_cli_tags_raws_and_names_the_one_whose_preview_is_too_small() {
    let dir = common::fixture("raw");
    let files = [
        "coffee.dng",
        "chelsea.nef",
        "coffee-rotated-6.cr2",
        "chelsea-rotated-8.cr3",
        "thumbnail-only.arw",
    ];
    for decode in ["exact", "fast"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_effnet"))
            .current_dir(common::repo())
            .args(["classify", "-m", LITE0, "--top-k", "1", "--jobs", "1"])
            .args(["--decode", decode])
            .args(files.map(|f| dir.join(f)))
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        println!("{stdout}{stderr}");
        assert_eq!(out.status.code(), Some(1), "one failed");
        for (file, label) in [
            ("coffee.dng", "espresso"),
            ("chelsea.nef", "tiger cat"),
            ("coffee-rotated-6.cr2", "espresso"),
            ("chelsea-rotated-8.cr3", "tiger cat"),
        ] {
            let line = stdout.lines().skip_while(|l| !l.contains(file)).take(2);
            assert!(
                line.into_iter().any(|l| l.contains(label)),
                "{file}: {stdout}"
            );
        }
        let refused = format!(
            "{}: the ARW file's largest embedded JPEG preview is 160x120, smaller than the \
             256-pixel short side the model needs",
            dir.join("thumbnail-only.arw").display()
        );
        assert!(stderr.contains(&refused), "{stderr}");
    }
    // the full-size JPEG of a CR3 damaged: classified from its PRVW, and said so
    let damaged_cr3 = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("damaged.cr3");
    std::fs::write(
        &damaged_cr3,
        damaged(&read("coffee.cr3"), &manifest()["coffee.cr3"]),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_effnet"))
        .current_dir(common::repo())
        .args(["classify", "-m", LITE0, "--top-k", "1"])
        .arg(&damaged_cr3)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        out.status.success() && stdout.contains("espresso"),
        "{stdout}{stderr}"
    );
    let note = format!(
        "{}: in the CR3 file, the 600x400 preview is cut short; the next largest is used",
        damaged_cr3.display()
    );
    assert!(stderr.contains(&note), "{stderr}");
}
