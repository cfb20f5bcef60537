//! JPEGs decode to PIL's pixels (libjpeg-turbo: ISLOW IDCT, fancy upsampling), for every
//! chroma subsampling and a progressive file (tests/fixtures/jpeg/, made by
//! make_jpeg_fixtures.py: each `.jpg` beside PIL's decode of it as `.pil.png`).

mod common;

use effnet::decode::decode_file;

const CASES: [&str; 5] = [
    "chelsea-420",
    "chelsea-422",
    "chelsea-444",
    "chelsea-420-progressive",
    "chelsea-gray",
];

/// The crate's decode of the case's JPEG.
fn ours(case: &str) -> effnet::decode::DecodedImage {
    decode_file(
        common::fixture(&format!("jpeg/{case}.jpg"))
            .to_str()
            .unwrap(),
    )
    .unwrap()
}

/// PIL's decode of the case's JPEG.
fn pil_pixels(case: &str) -> image::RgbaImage {
    image::open(common::fixture(&format!("jpeg/{case}.pil.png")))
        .unwrap()
        .into_rgba8()
}

#[test]
fn every_subsampling_decodes_to_pils_pixels() {
    for case in CASES {
        let ours = ours(case);
        let pil = pil_pixels(case);
        assert_eq!((ours.width, ours.height), pil.dimensions(), "{case}");
        let differing = common::differing(&ours.rgba, pil.as_raw());
        println!(
            "{case}: {differing} of {} values differ from PIL's",
            ours.rgba.len()
        );
        assert_eq!(differing, 0, "{case}");
    }
}

#[test]
fn probabilities_are_those_of_pils_pixels() {
    // the same pixels through the same pipeline: the same probabilities, bit for bit
    for id in ["efficientnet-lite0", "efficientnet-lite1"] {
        let clf = common::classifier(id);
        for case in CASES {
            let jpeg = ours(case);
            let pil = pil_pixels(case);
            let (w, h) = pil.dimensions();
            let ours = clf
                .probabilities(&clf.preprocess(&jpeg.rgba().unwrap()).unwrap())
                .unwrap();
            let theirs = clf
                .probabilities(
                    &clf.preprocess(&effnet::Rgba::new(w, h, pil.as_raw()).unwrap())
                        .unwrap(),
                )
                .unwrap();
            let diff = common::max_abs_diff(&ours, &theirs);
            println!("{id} {case}: max |p - p(PIL pixels)| = {diff:.1e}");
            assert_eq!(diff, 0.0, "{id} {case}");
        }
    }
}

#[test]
fn a_truncated_jpeg_is_an_error_naming_the_file() {
    // the first 3000 bytes of rocket.jpg: the image crate filled the rest with grey
    let path = common::fixture("odd/truncated.jpg");
    let e = decode_file(path.to_str().unwrap()).err().expect("an error");
    println!("{e}");
    assert!(matches!(e, effnet::Error::Decode { .. }), "{e:?}");
    assert!(e.to_string().contains("truncated.jpg"), "{e}");
    assert!(e.to_string().contains("JPEG file is truncated"), "{e}");
    // and a progressive file cut anywhere, in its headers or in any of its scans
    let whole = std::fs::read(common::fixture("jpeg/chelsea-420-progressive.jpg")).unwrap();
    for cut in (20..whole.len() - 1).step_by(997) {
        let Err(e) = effnet::decode::decode_bytes("p.jpg", &whole[..cut]) else {
            panic!("cut at {cut} of {} decoded", whole.len())
        };
        if cut > 1000 {
            assert!(
                e.to_string().contains("JPEG file is truncated"),
                "cut at {cut}: {e}"
            );
        }
    }
}
