//! `effnet classify`: every image is attempted; failures are reported and counted.

use effnet::decode::{decode_bytes, decode_bytes_fast, preview_fallback};
use effnet::postprocess::Filter;
use effnet::{Category, Classifier, Error, Rgba};
use serde::Serialize;
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use crate::{resolve, ModelArgs};

#[derive(Serialize)]
struct Line<'a> {
    file: &'a str,
    top: &'a [Category],
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Decode {
    Exact,
    Fast,
}

/// `path` decoded as `decode` says, then `f` on its pixels; an image error names the file.
pub fn with_pixels<T>(
    clf: &Classifier,
    path: &str,
    decode: Decode,
    f: impl FnOnce(&Rgba) -> Result<T, Error>,
) -> Result<T, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_string(),
        source,
    })?;
    let img = match decode {
        Decode::Exact => decode_bytes(path, &bytes)?,
        Decode::Fast => decode_bytes_fast(path, &bytes, &clf.entry().preprocess)?,
    };
    // a camera RAW whose largest preview is damaged is classified from the next: said so
    if let Some(note) = preview_fallback(&bytes) {
        eprintln!("effnet: {path}: {note}");
    }
    f(&img.rgba()?).map_err(|e| match e {
        // name the file, not just its size
        Error::Image { reason, .. } => Error::Decode {
            path: path.to_string(),
            reason,
        },
        e => e,
    })
}

fn one(clf: &Classifier, path: &str, k: usize, decode: Decode) -> Result<Vec<Category>, Error> {
    with_pixels(clf, path, decode, |px| clf.classify(px, &Filter::top(k)))
}

pub fn run(
    args: &ModelArgs,
    k: usize,
    json: bool,
    decode: Decode,
    jobs: Option<usize>,
    images: &[String],
) -> Result<ExitCode, Error> {
    let clf = resolve::classifier(args)?;
    // one image per core at a time: decoding, preprocessing and inference are single-threaded
    // each, and the model is shared (tract runs a plan from several threads)
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = jobs.unwrap_or(cores).clamp(1, images.len().max(1));
    let t0 = Instant::now();
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel();
    let mut failed = 0;
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let (tx, next, clf) = (tx.clone(), &next, &clf);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = images.get(i) else { break };
                if tx.send((i, one(clf, path, k, decode))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        // printed in the order given, each as soon as those before it are
        let mut done = BTreeMap::new();
        let mut printed = 0;
        for (i, r) in rx {
            done.insert(i, r);
            while let Some(r) = done.remove(&printed) {
                failed += print(&images[printed], r, json);
                printed += 1;
            }
        }
    });
    let secs = t0.elapsed().as_secs_f64();
    if images.len() > 1 {
        eprintln!(
            "effnet: {} images in {secs:.1} s, {:.0} per minute ({jobs} at a time)",
            images.len(),
            60.0 * images.len() as f64 / secs
        );
    }
    if failed > 0 {
        eprintln!("effnet: {failed} of {} images failed", images.len());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// One image's lines; 1 if it failed.
fn print(path: &str, r: Result<Vec<Category>, Error>, json: bool) -> usize {
    match r {
        Ok(top) if json => {
            let line = serde_json::to_string(&Line {
                file: path,
                top: &top,
            })
            .expect("plain structs serialise");
            println!("{line}");
        }
        Ok(top) => {
            println!("{path}");
            for c in &top {
                println!("  {:6.2}%  {:4}  {}", c.score * 100.0, c.index, c.label);
            }
        }
        Err(e) => {
            eprintln!("effnet: {e}");
            return 1;
        }
    }
    0
}
