//! HEIC photos (tests/fixtures/heic/, made from the fixture photos by make_heic.py): decoded
//! upright, a grid of tiles composed, and classified by the CLI as their source photos are.

mod common;

use std::process::Command;

fn fixtures() -> serde_json::Map<String, serde_json::Value> {
    let text = std::fs::read_to_string(common::fixture("heic/heic.json")).unwrap();
    let mut all: serde_json::Map<_, _> = serde_json::from_str(&text).unwrap();
    all.remove("_made_with");
    all
}

fn reference_top1(model: &str, source: &str) -> u64 {
    let text = std::fs::read_to_string(common::fixture("reference.json")).unwrap();
    let r: serde_json::Value = serde_json::from_str(&text).unwrap();
    r[model]["images"][source]["top5"][0][0].as_u64().unwrap()
}

#[test]
fn heic_files_decode_upright_at_their_sources_size() {
    for (name, f) in fixtures() {
        let path = common::fixture(&format!("heic/{name}"));
        let img = effnet::decode::decode_file(path.to_str().unwrap()).unwrap();
        assert_eq!(
            (img.width as u64, img.height as u64),
            (f["width"].as_u64().unwrap(), f["height"].as_u64().unwrap()),
            "{name}"
        );
    }
}

/// Upright, not only the right size: the rotated cat's pixels are the PNG's, within what the
/// encoder's loss leaves (a photo turned the wrong way would differ by ~50 levels).
#[test]
fn the_rotated_heic_is_the_photo_upright() {
    let heic = common::fixture("heic/chelsea-rot.heic");
    let heic = effnet::decode::decode_file(heic.to_str().unwrap()).unwrap();
    let png = common::fixture("chelsea.png");
    let png = effnet::decode::decode_file(png.to_str().unwrap()).unwrap();
    assert_eq!((heic.width, heic.height), (451, 300));
    let diff: u64 = heic
        .rgba
        .iter()
        .zip(&png.rgba)
        .map(|(a, b)| a.abs_diff(*b) as u64)
        .sum();
    let mean = diff as f64 / heic.rgba.len() as f64;
    assert!(mean < 6.0, "mean difference {mean} from the PNG");
}

#[test]
fn the_cli_tags_heic_as_their_source_photos() {
    for model in ["efficientnet-lite0", "efficientnet-lite1"] {
        for decode in ["exact", "fast"] {
            let fx = fixtures();
            let mut args = vec!["classify", "--model", model, "--json", "--top-k", "1"];
            args.extend(["--decode", decode]);
            let paths: Vec<String> = fx
                .keys()
                .map(|n| format!("tests/fixtures/heic/{n}"))
                .collect();
            args.extend(paths.iter().map(String::as_str));
            let out = Command::new(env!("CARGO_BIN_EXE_effnet"))
                .current_dir(common::repo())
                .args(&args)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                let name = v["file"].as_str().unwrap().rsplit('/').next().unwrap();
                let source = fx[name]["source"].as_str().unwrap();
                assert_eq!(
                    v["top"][0]["index"].as_u64().unwrap(),
                    reference_top1(model, source),
                    "{model} {decode} {name}: {line}"
                );
            }
        }
    }
}

#[test]
fn a_heic_cut_short_or_a_file_that_is_none_says_why_in_words() {
    let bytes = std::fs::read(common::fixture("heic/coffee.heic")).unwrap();
    let e = effnet::decode::decode_bytes("IMG_0001.heic", &bytes[..bytes.len() / 2])
        .err()
        .unwrap()
        .to_string();
    assert_eq!(e.matches("IMG_0001.heic").count(), 1, "{e}");
    assert!(e.contains("HEIC file is truncated"), "{e}");

    let e = effnet::decode::decode_bytes("baboon.heic", b"Not a photo at all\n")
        .err()
        .unwrap()
        .to_string();
    assert_eq!(e.matches("baboon.heic").count(), 1, "{e}");
    assert!(e.contains("this is a text file, not an image"), "{e}");
    assert!(e.contains("HEIC"), "{e}");
}
