//! `effnet classify`: every image is attempted; failures are reported and counted.

use effnet::decode::decode_file;
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

fn one(clf: &Classifier, path: &str, k: usize) -> Result<Vec<Category>, Error> {
    let img = decode_file(path)?;
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

pub fn run(args: &ModelArgs, k: usize, json: bool, images: &[String]) -> Result<ExitCode, Error> {
    let clf = resolve::classifier(args)?;
    let mut failed = 0;
    for path in images {
        match one(&clf, path, k) {
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
