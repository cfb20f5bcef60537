//! `effnet classify`: every image is attempted; failures are reported and counted.

use effnet::decode::decode_file;
use effnet::decode::scaled::{decode_file_fast, min_short_side};
use effnet::postprocess::Filter;
use effnet::{Category, Classifier, Error};
use serde::Serialize;
use std::process::ExitCode;

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

fn one(clf: &Classifier, path: &str, k: usize, decode: Decode) -> Result<Vec<Category>, Error> {
    let img = match decode {
        Decode::Exact => decode_file(path)?,
        Decode::Fast => decode_file_fast(path, min_short_side(&clf.entry().preprocess))?,
    };
    clf.classify(&img.rgba()?, &Filter::top(k))
        .map_err(|e| match e {
            // name the file, not just its size
            Error::Image { reason, .. } => Error::Decode {
                path: path.to_string(),
                reason,
            },
            e => e,
        })
}

pub fn run(
    args: &ModelArgs,
    k: usize,
    json: bool,
    decode: Decode,
    images: &[String],
) -> Result<ExitCode, Error> {
    let clf = resolve::classifier(args)?;
    let mut failed = 0;
    for path in images {
        match one(&clf, path, k, decode) {
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
                failed += 1;
                eprintln!("effnet: {e}");
            }
        }
    }
    if failed > 0 {
        eprintln!("effnet: {failed} of {} images failed", images.len());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
