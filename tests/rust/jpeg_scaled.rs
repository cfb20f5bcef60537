//! The fast path (crate/src/decode/scaled/) against its reference, PIL's `draft('RGB', (n, n))`
//! with n the model's resize target: the reduction it picks, its pixels, and the probabilities
//! of those pixels through the model (tests/fixtures/jpeg/draft/, made by
//! make_jpeg_fixtures.py).

mod common;

use effnet::decode::scaled::{self, JpegError};
use effnet::decode::{self, DecodedImage, Opened};
use effnet::manifest::Preprocess;

fn draft_json() -> serde_json::Value {
    let text = std::fs::read_to_string(common::fixture("jpeg/draft/draft.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn bytes(case: &str) -> Vec<u8> {
    std::fs::read(common::fixture(&format!("jpeg/draft/{case}.jpg"))).unwrap()
}

fn preprocess(id: &str) -> Preprocess {
    common::manifest().model(id).unwrap().preprocess.clone()
}

fn target(id: &str) -> u32 {
    preprocess(id).min_short_side()
}

/// The scaled decode alone, after the path's checks: `None` where the full decode follows.
fn scaled_only(name: &str, b: &[u8], min_short: u32) -> effnet::Result<Option<DecodedImage>> {
    let Opened::Image { format, bytes } = decode::open(name, b)? else {
        panic!("{name}: not a container");
    };
    scaled::decode(name, format, bytes, min_short)
}

#[test]
fn the_resize_targets_are_the_references() {
    // make_jpeg_fixtures.py's n: floor(size / cropPct), in Python
    let json = draft_json();
    for (_, case) in json.as_object().unwrap() {
        for (id, m) in case["models"].as_object().unwrap() {
            assert_eq!(target(id) as u64, m["target"].as_u64().unwrap(), "{id}");
        }
    }
    assert_eq!(target("efficientnet-lite0"), 256);
    // TF's crop: the short side whose centred crop is 600
    assert_eq!(target("efficientnet-b7"), 632);
}

#[test]
fn the_reduction_is_pils_draft_rule() {
    // both sides >= reduction x target; the 12-MP photo decodes at 500x375
    for (w, h, want) in [
        (4000, 3000, 8),
        (3000, 4000, 8),
        (2048, 2048, 8),
        (2047, 4000, 4),
        (4000, 2047, 4),
        (1024, 1024, 4),
        (1023, 9000, 2),
        (512, 512, 2),
        (511, 2000, 1),
        (100, 100, 1),
    ] {
        assert_eq!(scaled::reduction(w, h, 256), want, "{w}x{h}");
    }
}

#[test]
fn draft_pixels_are_pils() {
    let json = draft_json();
    let mut compared = 0;
    for (case, c) in json.as_object().unwrap() {
        let jpeg = bytes(case);
        let stored = &c["stored"];
        let (sw, sh) = (
            stored[0].as_u64().unwrap() as u32,
            stored[1].as_u64().unwrap() as u32,
        );
        for (id, m) in c["models"].as_object().unwrap() {
            let n = m["target"].as_u64().unwrap() as u32;
            let r = m["reduction"].as_u64().unwrap() as u32;
            assert_eq!(
                scaled::reduction(sw, sh, n),
                r,
                "{case} {id}: PIL's reduction"
            );
            let ours = scaled_only(case, &jpeg, n).unwrap();
            if r == 1 {
                assert!(
                    ours.is_none(),
                    "{case} {id}: nothing to reduce, the full decode's turn"
                );
                continue;
            }
            let ours = ours.expect("decoded at a reduction");
            let pil = image::open(common::fixture(&format!("jpeg/draft/{case}.r{r}.png")))
                .unwrap()
                .into_rgba8();
            assert_eq!((ours.width, ours.height), pil.dimensions(), "{case} 1/{r}");
            let differing = common::differing(&ours.rgba, pil.as_raw());
            println!(
                "{case} 1/{r} ({}x{}): {differing} values differ from PIL's draft",
                ours.width, ours.height
            );
            assert_eq!(differing, 0, "{case} 1/{r}");
            compared += 1;
        }
    }
    // 1/2, 1/4 and 1/8 all taken, by 4:2:0, 4:2:2, 4:4:4, grey, progressive and restart files
    assert!(compared >= 8, "{compared}");
}

/// tract against onnxruntime on the same input: the golden tests' bound (tests/rust/golden.rs);
/// measured here at most 1.3e-6 (the pixels are the same).
const MAX_ABS_DIFF: f32 = 1e-5;

#[test]
fn probabilities_are_the_draft_references() {
    let json = draft_json();
    for id in ["efficientnet-lite0", "efficientnet-lite1"] {
        let clf = common::classifier(id);
        let p = preprocess(id);
        for (case, c) in json.as_object().unwrap() {
            let m = &c["models"][id];
            let img = decode::decode_bytes_fast(case, &bytes(case), &p).unwrap();
            let want: Vec<u64> = m["decoded"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .collect();
            assert_eq!(
                vec![img.width as u64, img.height as u64],
                want,
                "{id} {case}: upright size"
            );
            let p = clf
                .probabilities(&clf.preprocess(&img.rgba().unwrap()).unwrap())
                .unwrap();
            let diff = common::max_abs_diff(&p, &common::floats(&m["probs"]));
            let top = p
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .unwrap()
                .0;
            println!(
                "{id} {case}: 1/{}, top-1 {top}, max |p - p_ref| = {diff:.1e}",
                m["reduction"]
            );
            assert_eq!(
                top as u64,
                m["top1"].as_u64().unwrap(),
                "{id} {case}: top-1"
            );
            assert!(
                diff <= MAX_ABS_DIFF,
                "{id} {case}: max |p - p_ref| = {diff}"
            );
        }
    }
}

#[test]
fn what_it_leaves_goes_to_the_full_decoder() {
    // a PNG, and a JPEG too small to reduce: None, and the fast call is the full decode
    let lite0 = preprocess("efficientnet-lite0");
    for f in ["chelsea.png", "jpeg/chelsea-420.jpg"] {
        let b = std::fs::read(common::fixture(f)).unwrap();
        assert!(scaled_only(f, &b, 256).unwrap().is_none(), "{f}");
        let fast = decode::decode_bytes_fast(f, &b, &lite0).unwrap();
        let full = decode::decode_bytes(f, &b).unwrap();
        assert_eq!(
            (fast.width, fast.height, fast.rgba),
            (full.width, full.height, full.rgba),
            "{f}"
        );
    }
    // CMYK: not this decoder's (PIL inverts Adobe CMYK its own way)
    let cmyk = std::fs::read(common::fixture("odd/cmyk.jpg")).unwrap();
    let e = scaled::decode_jpeg(&cmyk, |_, _| 2).err().expect("refused");
    assert!(matches!(e, JpegError::Unsupported(_)), "{e}");
}

#[test]
fn a_truncated_jpeg_is_an_error_naming_the_file() {
    let whole = bytes("chelsea-780x520-420-progressive");
    let cut = &whole[..whole.len() * 2 / 3];
    let e = decode::decode_bytes_fast("cut.jpg", cut, &preprocess("efficientnet-lite0"))
        .err()
        .expect("an error");
    assert!(matches!(e, effnet::Error::Decode { .. }), "{e:?}");
    assert!(e.to_string().contains("cut.jpg"), "{e}");
    assert!(e.to_string().contains("JPEG file is truncated"), "{e}");
}

#[test]
fn damaged_data_is_an_error_or_pixels_never_a_panic() {
    // in wasm a panic is a trap that ends the worker: every cut and many flipped bytes of a
    // baseline-with-restarts and a progressive file, at each reduction
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut rand = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for case in [
        "chelsea-780x520-420-progressive",
        "coffee-540x810-422-exif6",
        "astronaut-1100x1100-444-progressive",
    ] {
        let whole = bytes(case);
        let (mut ok, mut err) = (0, 0);
        for r in [2, 4, 8] {
            for cut in (0..whole.len()).step_by(whole.len() / 60) {
                match scaled::decode_jpeg(&whole[..cut], |_, _| r) {
                    Ok(_) => ok += 1,
                    Err(_) => err += 1,
                }
            }
            for _ in 0..60 {
                let mut b = whole.clone();
                for _ in 0..1 + rand() % 8 {
                    let i = (rand() % b.len() as u64) as usize;
                    b[i] = rand() as u8;
                }
                match scaled::decode_jpeg(&b, |_, _| r) {
                    Ok(_) => ok += 1,
                    Err(_) => err += 1,
                }
            }
        }
        println!("{case}: {ok} decoded, {err} refused");
        assert!(err > 0, "{case}: some damage is refused");
    }
}

/// A photo-like image of `w` x `h`: the cat upscaled, with grain so that the AC scans carry
/// real data (a smooth upscale leaves them nearly empty).
fn grainy_cat(w: u32, h: u32) -> Vec<u8> {
    let cat = image::open(common::fixture("chelsea.png"))
        .unwrap()
        .into_rgb8();
    let big = image::imageops::resize(&cat, w, h, image::imageops::FilterType::CatmullRom);
    let mut seed = 0x9e37_79b9u32;
    big.into_raw()
        .into_iter()
        .map(|v| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            v.saturating_add((seed & 15) as u8).saturating_sub(8)
        })
        .collect()
}

/// `rgb` encoded by libjpeg (mozjpeg) as a progressive JPEG with chroma pixel size `c`
/// (1: 4:4:4, 2: 4:2:0), or grey.
fn progressive(rgb: &[u8], w: u32, h: u32, c: Option<u8>) -> Vec<u8> {
    let (space, data) = match c {
        Some(_) => (mozjpeg::ColorSpace::JCS_RGB, rgb.to_vec()),
        None => (
            mozjpeg::ColorSpace::JCS_GRAYSCALE,
            rgb.chunks(3).map(|p| p[1]).collect(),
        ),
    };
    let mut comp = mozjpeg::Compress::new(space);
    comp.set_size(w as usize, h as usize);
    comp.set_quality(90.0);
    comp.set_progressive_mode();
    if let Some(c) = c {
        comp.set_chroma_sampling_pixel_sizes((c, c), (c, c));
    }
    let mut started = comp.start_compress(Vec::new()).unwrap();
    started.write_scanlines(&data).unwrap();
    started.finish().unwrap()
}

/// libjpeg-turbo's own decode at 1/`r` (scale_num/scale_denom: PIL's draft), RGBA.
fn libjpeg_scaled(jpeg: &[u8], r: u32) -> (u32, u32, Vec<u8>) {
    let mut d = mozjpeg::Decompress::new_mem(jpeg).unwrap();
    d.scale((8 / r) as u8);
    let mut s = d.to_colorspace(mozjpeg::ColorSpace::JCS_EXT_RGBA).unwrap();
    let (w, h) = (s.width() as u32, s.height() as u32);
    let px: Vec<u8> = s.read_scanlines().unwrap();
    s.finish().unwrap();
    (w, h, px)
}

#[test]
fn progressive_at_one_eighth_skips_the_luma_ac_scans_and_is_libjpegs() {
    // a camera-sized short side (>= 8 x 256): Lite0's fast decode is 1/8, where the luma's IDCT
    // reads the DC term alone and its AC scans go unread (4:2:0 chroma still needs its AC terms:
    // its IDCT is 2x2)
    let (w, h) = (2113, 2049);
    let rgb = grainy_cat(w, h);
    for (name, c) in [("4:4:4", Some(1)), ("4:2:0", Some(2)), ("grey", None)] {
        let jpeg = progressive(&rgb, w, h, c);
        let t = std::time::Instant::now();
        let ours = scaled::decode_jpeg(&jpeg, |w, h| scaled::reduction(w, h, 256))
            .unwrap()
            .expect("reduced");
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let (lw, lh, theirs) = libjpeg_scaled(&jpeg, 8);
        assert_eq!((ours.width, ours.height), (lw, lh), "{name}");
        let differing = common::differing(&ours.rgba, &theirs);
        println!(
            "progressive {name} {w}x{h} ({} KB) at 1/8: {}x{}, {differing} values differ from libjpeg's, {ms:.1} ms",
            jpeg.len() / 1000,
            ours.width,
            ours.height
        );
        assert_eq!(differing, 0, "{name}");
    }
}
