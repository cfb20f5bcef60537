//! Preprocessing against values computed once with PIL + numpy (tests/fixtures/make_fixtures.py).

mod common;

use effnet::manifest::{Layout, Preprocess};
use effnet::preprocess::{crop_rgb, preprocess};
use effnet::Rgba;
use serde_json::Value;

fn rgba_png(rel: &str) -> (u32, u32, Vec<u8>) {
    let img = image::open(common::fixture(rel)).unwrap().into_rgba8();
    let (w, h) = img.dimensions();
    (w, h, img.into_raw())
}

fn rgb_png(rel: &str) -> Vec<u8> {
    image::open(common::fixture(rel))
        .unwrap()
        .into_rgb8()
        .into_raw()
}

fn cases() -> Vec<Value> {
    let text = std::fs::read_to_string(common::fixture("preprocess/cases.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn resize_and_crop_equal_pillow_bit_for_bit() {
    let cases = cases();
    assert!(cases.len() >= 7);
    for case in cases {
        let p: Preprocess = serde_json::from_value(case["preprocess"].clone()).unwrap();
        let (w, h, px) = rgba_png(case["source"].as_str().unwrap());
        let ours = crop_rgb(&Rgba::new(w, h, &px).unwrap(), &p);
        let theirs = rgb_png(case["crop"].as_str().unwrap());
        assert_eq!(ours.len(), theirs.len(), "{}", case["id"]);
        let differing = ours.iter().zip(&theirs).filter(|(a, b)| a != b).count();
        println!(
            "{}: {differing} of {} values differ",
            case["id"],
            ours.len()
        );
        assert_eq!(differing, 0, "{}", case["id"]);
    }
}

#[test]
fn normalised_tensors_equal_numpy_in_both_layouts_and_channel_orders() {
    let mut seen = vec![];
    for case in cases().into_iter().filter(|c| c.get("tensor").is_some()) {
        let p: Preprocess = serde_json::from_value(case["preprocess"].clone()).unwrap();
        let layout: Layout = serde_json::from_value(case["layout"].clone()).unwrap();
        let (w, h, px) = rgba_png(case["source"].as_str().unwrap());
        let ours = preprocess(&Rgba::new(w, h, &px).unwrap(), &p, layout).unwrap();
        let raw = std::fs::read(common::fixture(case["tensor"].as_str().unwrap())).unwrap();
        let theirs: Vec<f32> = raw
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
            .collect();
        let s = p.size as usize;
        let want_shape = match layout {
            Layout::Nchw => [1, 3, s, s],
            Layout::Nhwc => [1, s, s, 3],
        };
        assert_eq!(ours.shape, want_shape);
        assert_eq!(ours.data.len(), theirs.len());
        let max = ours
            .data
            .iter()
            .zip(&theirs)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        println!("{}: max |x - x_ref| = {max:e}", case["id"]);
        assert!(max <= 1e-6, "{}: {max}", case["id"]);
        seen.push((layout, p.channel_order));
    }
    use effnet::manifest::ChannelOrder::*;
    assert!(seen.contains(&(Layout::Nchw, Rgb)) && seen.contains(&(Layout::Nhwc, Bgr)));
}

/// One stored tensor per manifest preprocessing contract (make_fixtures.py `contracts`):
/// numpy's float32 input for the photo, kept as 8-bit codes with a per-channel affine map.
#[test]
fn every_manifest_contract_matches_its_numpy_tensor() {
    let text = std::fs::read_to_string(common::fixture("preprocess/contracts.json")).unwrap();
    let contracts: Vec<Value> = serde_json::from_str(&text).unwrap();
    let manifest = common::manifest();
    // every model has a fixture made from its current preprocessing: a changed or new
    // contract needs `make_fixtures.py` re-run
    for entry in &manifest.models {
        // a storage variant shares its model's contract (the manifest checks that)
        let id = entry.variant_of.as_deref().unwrap_or(&entry.id);
        let c = contracts
            .iter()
            .find(|c| c["model"] == id)
            .unwrap_or_else(|| panic!("{}: no contract fixture", entry.id));
        let theirs: Preprocess = serde_json::from_value(c["preprocess"].clone()).unwrap();
        assert_eq!(
            serde_json::to_value(&theirs).unwrap(),
            serde_json::to_value(&entry.preprocess).unwrap(),
            "{}: the fixture was made for other preprocessing",
            entry.id
        );
        assert_eq!(
            c["layout"],
            serde_json::to_value(entry.input.layout).unwrap()
        );
    }
    let (w, h, px) = rgba_png(contracts[0]["source"].as_str().unwrap());
    for c in &contracts {
        let entry = manifest.model(c["model"].as_str().unwrap()).unwrap();
        let ours = preprocess(
            &Rgba::new(w, h, &px).unwrap(),
            &entry.preprocess,
            entry.input.layout,
        )
        .unwrap();
        let shape: Vec<usize> = serde_json::from_value(c["shape"].clone()).unwrap();
        assert_eq!(ours.shape.to_vec(), shape, "{}", entry.id);
        assert_eq!(shape, entry.input.shape, "{}", entry.id);
        let codes = image::open(common::fixture(c["codes"].as_str().unwrap()))
            .unwrap()
            .into_luma8()
            .into_raw();
        assert_eq!(codes.len(), ours.data.len(), "{}", entry.id);
        let scale: [f32; 3] = serde_json::from_value(c["scale"].clone()).unwrap();
        let offset: [f32; 3] = serde_json::from_value(c["offset"].clone()).unwrap();
        let plane = codes.len() / 3;
        let channel = |i: usize| match entry.input.layout {
            Layout::Nchw => i / plane,
            Layout::Nhwc => i % 3,
        };
        let (mut max, mut at) = (0f32, 0);
        for (i, (&q, &x)) in codes.iter().zip(&ours.data).enumerate() {
            let c = channel(i);
            let d = (q as f32 * scale[c] + offset[c] - x).abs();
            if d > max {
                (max, at) = (d, i);
            }
        }
        println!(
            "{}: max |x - x_ref| = {max:e} (at {at}, {:?} {}x{})",
            entry.id, entry.input.layout, entry.preprocess.size, entry.preprocess.size
        );
        assert!(max <= 1e-3, "{}: {max} at {at}", entry.id);
    }
}
