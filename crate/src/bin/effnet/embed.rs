//! `effnet embed`: each image's embedding (the model's pooled features), one line per image.

use effnet::{EmbedOptions, Embedding, Error};
use serde::Serialize;
use std::process::ExitCode;

use crate::classify::{with_pixels, Decode};
use crate::{resolve, ModelArgs};

#[derive(Serialize)]
struct Line<'a> {
    file: &'a str,
    embedding: &'a Embedding,
}

pub fn run(
    args: &ModelArgs,
    options: EmbedOptions,
    json: bool,
    decode: Decode,
    images: &[String],
) -> Result<ExitCode, Error> {
    options.check()?;
    let clf = resolve::classifier(args)?;
    clf.check_embedding()?; // before any image is decoded
    let mut failed = 0;
    for path in images {
        match with_pixels(&clf, path, decode, |px| clf.embed(px, &options)) {
            Ok(e) if json => {
                let line = Line {
                    file: path,
                    embedding: &e,
                };
                println!(
                    "{}",
                    serde_json::to_string(&line).expect("plain structs serialise")
                );
            }
            Ok(e) => {
                let values: Vec<String> = match &e {
                    Embedding::Float(v) => v.iter().map(|x| format!("{x:.6}")).collect(),
                    Embedding::Quantized(v) => v.iter().map(|x| x.to_string()).collect(),
                };
                println!("{path}\t{}", values.join(" "));
            }
            Err(e) => {
                eprintln!("effnet: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        eprintln!("effnet: {failed} of {} images failed", images.len());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
