//! The `effnet` binary, run as a user would.

mod common;

use std::process::{Command, Output};

fn effnet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_effnet"))
        .current_dir(common::repo())
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn classify_prints_espresso_first_for_the_coffee_photo() {
    let out = effnet(&[
        "classify",
        "--model",
        "efficientnet-lite0",
        "tests/fixtures/coffee.png",
    ]);
    let stdout = text(&out.stdout);
    println!("{stdout}");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let first = stdout.lines().nth(1).unwrap();
    assert!(first.trim_end().ends_with(" espresso"), "{first}");
}

#[test]
fn json_lines_carry_file_index_label_and_score() {
    let out = effnet(&[
        "classify",
        "--model",
        "efficientnet-lite0",
        "--json",
        "--top-k",
        "3",
        "tests/fixtures/chelsea.png",
        "tests/fixtures/coffee.png",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["file"], "tests/fixtures/coffee.png");
    assert_eq!(lines[1]["top"].as_array().unwrap().len(), 3);
    assert_eq!(lines[1]["top"][0]["index"], 967);
    assert_eq!(lines[1]["top"][0]["label"], "espresso");
    assert!(lines[1]["top"][0]["score"].as_f64().unwrap() > 0.5);
}

#[test]
fn a_bad_file_is_named_the_others_still_classify_and_the_exit_is_non_zero() {
    let out = effnet(&[
        "classify",
        "--model",
        "efficientnet-lite0",
        "--json",
        "tests/fixtures/coffee.png",
        "tests/fixtures/odd/not-an-image.jpg",
        "tests/fixtures/odd/truncated.jpg",
        "tests/fixtures/rocket.jpg",
    ]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    println!("{stdout}{stderr}");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout.lines().count(), 2);
    assert!(stderr.contains("not-an-image.jpg"), "{stderr}");
    // a cut-off photo is not tagged as if it were whole (it once printed "megalith" first)
    assert!(
        stderr.contains("truncated.jpg: the JPEG file is truncated"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn a_corrupt_model_or_unknown_id_is_a_clear_error_not_a_panic() {
    let dir = std::env::temp_dir().join(format!("effnet-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("broken.onnx");
    std::fs::write(&bad, b"\x08\x07definitely not protobuf").unwrap();
    let out = effnet(&[
        "classify",
        "--model",
        bad.to_str().unwrap(),
        "--like",
        "efficientnet-lite0",
        "tests/fixtures/coffee.png",
    ]);
    let stderr = text(&out.stderr);
    println!("{stderr}");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("not a usable ONNX model"), "{stderr}");
    assert!(!stderr.contains("panicked"));

    let out = effnet(&[
        "classify",
        "--model",
        "efficientnet-b99",
        "tests/fixtures/coffee.png",
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("unknown model id 'efficientnet-b99'"),
        "{stderr}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn bench_with_profile_prints_figures_and_where_the_time_goes() {
    let out = effnet(&[
        "bench",
        "--model",
        "efficientnet-lite0",
        "--runs",
        "2",
        "--warmup",
        "1",
        "--profile",
    ]);
    let stdout = text(&out.stdout);
    println!("{stdout}");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("inference "), "{stdout}");
    // the profile names tract's operators with their share of the run; the shares add up
    let shares: Vec<f64> = stdout
        .lines()
        .filter_map(|l| l.trim_end().strip_suffix('%'))
        .filter_map(|l| l.split_whitespace().last()?.parse().ok())
        .collect();
    assert!(stdout.contains("MatMul"), "{stdout}");
    let total: f64 = shares.iter().sum();
    assert!(
        (total - 100.0).abs() < 1.0,
        "shares add to {total}: {stdout}"
    );
}

#[test]
fn a_model_whose_weights_are_not_built_says_how_to_build_it() {
    let out = effnet(&[
        "classify",
        "--model",
        "efficientnet-b7",
        "tests/fixtures/coffee.png",
    ]);
    let stderr = text(&out.stderr);
    println!("{stderr}");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("model efficientnet-b7 is not built"),
        "{stderr}"
    );
    assert!(
        stderr.contains("npm run models -- --from <checkpoint> --only efficientnet-b7"),
        "{stderr}"
    );
    assert!(
        stderr.contains("tf_efficientnet_b7"),
        "names the checkpoint: {stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn run_tensor_refuses_a_tensor_of_the_wrong_size() {
    let dir = std::env::temp_dir().join(format!("effnet-cli-tensor-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let t = dir.join("x.f32");
    std::fs::write(&t, [0u8; 12]).unwrap();
    let out = effnet(&[
        "run-tensor",
        "--model",
        "efficientnet-lite0",
        t.to_str().unwrap(),
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("12 bytes; the model's input [1, 3, 224, 224] needs 602112"),
        "{stderr}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn our_depthwise_convolution_and_tracts_give_the_same_scores() {
    // every fixture photo, all 1000 scores: the JSON carries them to the last digit printed
    let photos: Vec<String> = std::fs::read_dir(common::repo().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "png" || x == "jpg"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    assert!(photos.len() >= 4);
    let run = |tract: bool| {
        let mut args = vec![
            "classify",
            "--model",
            "efficientnet-lite0",
            "--top-k",
            "1000",
            "--json",
        ];
        if tract {
            args.push("--tract-dwconv");
        }
        args.extend(photos.iter().map(String::as_str));
        let out = effnet(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    assert_eq!(run(false), run(true));
}

#[test]
fn decode_fast_gives_the_draft_references_probabilities() {
    // tests/fixtures/jpeg/draft/: PIL draft + the reference pipeline, in onnxruntime
    let dir = "tests/fixtures/jpeg/draft";
    let draft: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::repo().join(dir).join("draft.json")).unwrap(),
    )
    .unwrap();
    let cases = draft.as_object().unwrap();
    let files: Vec<String> = cases.keys().map(|c| format!("{dir}/{c}.jpg")).collect();
    let mut args = vec![
        "classify",
        "-m",
        "efficientnet-lite0",
        "--decode",
        "fast",
        "--json",
        "--top-k",
        "1000",
    ];
    args.extend(files.iter().map(|f| f.as_str()));
    let out = effnet(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for line in text(&out.stdout).lines() {
        let r: serde_json::Value = serde_json::from_str(line).unwrap();
        let case = r["file"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .trim_end_matches(".jpg");
        let want = &cases[case]["models"]["efficientnet-lite0"]["probs"];
        let diff = r["top"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (c["score"].as_f64().unwrap()
                    - want[c["index"].as_u64().unwrap() as usize]
                        .as_f64()
                        .unwrap())
                .abs()
            })
            .fold(0f64, f64::max);
        assert!(diff <= 1e-5, "{case}: max |p - p_ref| = {diff}");
    }
    assert_eq!(text(&out.stdout).lines().count(), files.len());
    let bad = effnet(&[
        "classify",
        "-m",
        "efficientnet-lite0",
        "--decode",
        "draft",
        "x.jpg",
    ]);
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("possible values: exact, fast"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn images_classified_at_once_print_in_the_order_given_with_the_rate() {
    let files = [
        "tests/fixtures/coffee.png",
        "tests/fixtures/rocket.jpg",
        "tests/fixtures/chelsea.png",
        "tests/fixtures/astronaut.png",
        "tests/fixtures/jpeg/chelsea-420.jpg",
    ];
    let run = |jobs: &str| {
        let mut args = vec![
            "classify",
            "-m",
            "efficientnet-lite0",
            "--json",
            "--jobs",
            jobs,
        ];
        args.extend(files);
        effnet(&args)
    };
    let (one, three) = (run("1"), run("3"));
    assert!(three.status.success(), "{}", text(&three.stderr));
    assert_eq!(
        text(&three.stdout),
        text(&one.stdout),
        "the same lines, in the same order"
    );
    let order: Vec<String> = text(&three.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["file"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(order, files);
    let stderr = text(&three.stderr);
    assert!(
        stderr.contains("5 images in ") && stderr.contains(" per minute (3 at a time)"),
        "{stderr}"
    );
}

fn embed_lines(args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["embed", "--model", "efficientnet-lite0", "--json"];
    all.extend_from_slice(args);
    let out = effnet(&all);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn values(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn embed_json_prints_each_files_embedding_normalised_raw_or_quantised() {
    let files = ["tests/fixtures/chelsea.png", "tests/fixtures/rocket.jpg"];
    let unit = embed_lines(&files);
    let raw = embed_lines(&["--no-l2-normalize", files[0], files[1]]);
    let bytes = embed_lines(&["--quantize", files[0], files[1]]);
    let reference: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::fixture("embeddings/reference.json")).unwrap(),
    )
    .unwrap();
    for (i, file) in files.iter().enumerate() {
        assert_eq!(unit[i]["file"], *file);
        let u = values(&unit[i]["embedding"]["floatEmbedding"]);
        let r = values(&raw[i]["embedding"]["floatEmbedding"]);
        let q = values(&bytes[i]["embedding"]["quantizedEmbedding"]);
        assert_eq!((u.len(), r.len(), q.len()), (1280, 1280, 1280));
        assert!(unit[i]["embedding"].get("quantizedEmbedding").is_none());
        // the raw features are timm's pooled features
        let name = file.rsplit('/').next().unwrap();
        let want = values(&reference["efficientnet-lite0"][name]);
        let diff = r
            .iter()
            .zip(&want)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(diff <= 1e-4, "{file}: {diff}");
        let norm = r.iter().map(|x| x * x).sum::<f64>().sqrt();
        for ((u, r), q) in u.iter().zip(&r).zip(&q) {
            assert!((u - r / norm).abs() < 1e-6);
            assert!((q - u * 127.0).abs() <= 0.5 + 1e-4, "{q} for {u}");
        }
    }
    let out = effnet(&[
        "embed",
        "--model",
        "efficientnet-lite0",
        "--quantize",
        "--no-l2-normalize",
        files[0],
    ]);
    assert_eq!(out.status.code(), Some(2), "clap refuses the pair");
}

/// `--json --top-k 1000` for each file: index -> probability.
fn all_probabilities(files: &[&str]) -> Vec<(String, Vec<f64>)> {
    let mut args = vec![
        "classify",
        "-m",
        "efficientnet-lite0",
        "--json",
        "--top-k",
        "1000",
    ];
    args.extend(files);
    let out = effnet(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .map(|line| {
            let r: serde_json::Value = serde_json::from_str(line).unwrap();
            let mut p = vec![f64::NAN; 1000];
            for c in r["top"].as_array().unwrap() {
                p[c["index"].as_u64().unwrap() as usize] = c["score"].as_f64().unwrap();
            }
            (r["file"].as_str().unwrap().to_string(), p)
        })
        .collect()
}

fn max_diff(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0f64, f64::max)
}

fn top1(p: &[f64]) -> usize {
    (0..p.len()).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap()
}

#[test]
fn webp_and_gif_files_classify_as_the_png_they_were_made_from() {
    // tests/fixtures/formats/ (make_formats.py): coffee.png as a lossless WebP and a GIF
    let formats: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::fixture("formats/formats.json")).unwrap(),
    )
    .unwrap();
    let files = [
        "tests/fixtures/coffee.png",
        "tests/fixtures/formats/coffee.webp",
        "tests/fixtures/formats/coffee.gif",
    ];
    let runs = all_probabilities(&files);
    assert_eq!(runs.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), files);
    let (png, webp, gif) = (&runs[0].1, &runs[1].1, &runs[2].1);
    assert!(png.iter().all(|p| p.is_finite()), "1000 probabilities");
    let onnx = |name: &str| {
        formats[name]["efficientnet-lite0"]["probs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect::<Vec<_>>()
    };
    println!(
        "coffee.webp: top-1 {}, max |p - p(PNG)| {}; coffee.gif: top-1 {}, max |p - onnxruntime| {:.1e}, max |p - p(PNG)| {:.4}",
        top1(webp),
        max_diff(webp, png),
        top1(gif),
        max_diff(gif, &onnx("coffee.gif")),
        max_diff(gif, png)
    );
    // espresso, the reference's top-1 for coffee.png
    assert_eq!([top1(png), top1(webp), top1(gif)], [967, 967, 967]);
    // VP8L is lossless: the PNG's pixels, so its probabilities bit for bit
    assert_eq!(webp, png);
    // a GIF has 256 colours (pixels off by up to 87 levels): held to onnxruntime on PIL's
    // decode of the same file, and to the PNG by its top-1 and a bound (0.0049 measured)
    assert!(max_diff(gif, &onnx("coffee.gif")) <= 1e-5);
    let off = max_diff(gif, png);
    assert!(off > 0.0 && off < 0.01, "GIF against the PNG: {off}");
}
