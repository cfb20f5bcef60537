//! `effnet bench` and `effnet profile`: figures, printed; nothing here asserts a speed.

use effnet::{Error, Rgba};
use serde::Serialize;
use std::process::ExitCode;
use std::time::Instant;

use crate::{resolve, ModelArgs};

#[derive(clap::Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Timed inference runs (after the warm-up)
    #[arg(long, default_value_t = 30)]
    runs: usize,
    #[arg(long, default_value_t = 5)]
    warmup: usize,
    /// Print one JSON object instead of text
    #[arg(long)]
    json: bool,
    /// Also print where an inference's time goes, per operator kind (as `effnet profile`)
    #[arg(long)]
    profile: bool,
}

#[derive(Serialize)]
struct Stats {
    median_ms: f64,
    p90_ms: f64,
    min_ms: f64,
    runs: usize,
}

fn stats(mut ms: Vec<f64>) -> Stats {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    Stats {
        median_ms: at(0.5),
        p90_ms: at(0.9),
        min_ms: ms[0],
        runs: ms.len(),
    }
}

fn time<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed().as_secs_f64() * 1e3)
}

/// A 4000 x 3000 RGBA image with photo-like variation (content does not change the cost).
fn synthetic_photo() -> (u32, u32, Vec<u8>) {
    let (w, h) = (4000u32, 3000u32);
    let mut seed = 0x2545_f491u32;
    let data = (0..w * h)
        .flat_map(|i| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let (x, y) = (i % w, i / w);
            let n = (seed & 31) as u8;
            [
                (x / 16) as u8 ^ n,
                (y / 12) as u8 ^ n,
                ((x + y) / 28) as u8,
                255,
            ]
        })
        .collect();
    (w, h, data)
}

#[derive(Serialize)]
struct Report {
    model: String,
    load_ms: f64,
    preprocess_4000x3000: Stats,
    inference: Stats,
    threads: usize,
}

pub fn run(args: &BenchArgs) -> Result<ExitCode, Error> {
    let (clf, load_ms) = time(|| resolve::classifier(&args.model));
    let clf = clf?;
    let (w, h, data) = synthetic_photo();
    let img = Rgba::new(w, h, &data)?;
    let pre: Vec<f64> = (0..10).map(|_| time(|| clf.preprocess(&img)).1).collect();
    let input = clf.preprocess(&img)?;
    for _ in 0..args.warmup {
        clf.probabilities(&input)?;
    }
    let mut inf = Vec::with_capacity(args.runs);
    for _ in 0..args.runs.max(1) {
        let (r, ms) = time(|| clf.probabilities(&input));
        r?;
        inf.push(ms);
    }
    let report = Report {
        model: clf.entry().id.clone(),
        load_ms,
        preprocess_4000x3000: stats(pre),
        inference: stats(inf),
        threads: 1,
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).expect("plain structs serialise")
        );
    } else {
        println!("model            {}", report.model);
        println!(
            "load + optimise  {:.1} ms (sha256, parse, optimise)",
            report.load_ms
        );
        let p = &report.preprocess_4000x3000;
        println!(
            "preprocess       {:.2} ms median, {:.2} ms p90 ({} runs, 4000x3000 RGBA)",
            p.median_ms, p.p90_ms, p.runs
        );
        let i = &report.inference;
        println!(
            "inference        {:.2} ms median, {:.2} ms p90, {:.2} ms min ({} runs after {} warm-up, 1 thread)",
            i.median_ms, i.p90_ms, i.min_ms, i.runs, args.warmup
        );
    }
    if args.profile {
        println!();
        profile(&args.model, 10)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn profile(model: &ModelArgs, runs: usize) -> Result<ExitCode, Error> {
    let clf = resolve::classifier(model)?;
    let size = clf.entry().preprocess.size;
    let data = vec![128u8; (size * size * 4) as usize];
    let input = clf.preprocess(&Rgba::new(size, size, &data)?)?;
    let start = Instant::now();
    let now = || start.elapsed().as_secs_f64() * 1e3;
    clf.engine().profile(&input, &now)?;
    let mut total: Vec<effnet::engine::OpTime> = vec![];
    for _ in 0..runs.max(1) {
        for t in clf.engine().profile(&input, &now)? {
            match total.iter_mut().find(|x| x.op == t.op) {
                Some(x) => x.ms += t.ms,
                None => total.push(t),
            }
        }
    }
    let n = runs.max(1) as f64;
    let sum: f64 = total.iter().map(|t| t.ms).sum::<f64>() / n;
    total.sort_by(|a, b| b.ms.total_cmp(&a.ms));
    println!(
        "{:<28} {:>6} {:>10} {:>7}",
        "op", "nodes", "ms/run", "share"
    );
    for t in &total {
        println!(
            "{:<28} {:>6} {:>10.3} {:>6.1}%",
            t.op,
            t.nodes,
            t.ms / n,
            100.0 * t.ms / n / sum
        );
    }
    println!("{:<28} {:>6} {:>10.3}", "total", "", sum);
    Ok(ExitCode::SUCCESS)
}
