//! `effnet run-tensor`: tract's raw output for a given input tensor, skipping preprocessing.

use effnet::preprocess::Input;
use effnet::Error;
use std::path::Path;
use std::process::ExitCode;

use crate::{resolve, ModelArgs};

pub fn run(args: &ModelArgs, input: &Path) -> Result<ExitCode, Error> {
    let clf = resolve::classifier(args)?;
    let bad = |reason: String| Error::Decode {
        path: input.display().to_string(),
        reason,
    };
    let bytes = std::fs::read(input).map_err(|source| Error::Io {
        path: input.display().to_string(),
        source,
    })?;
    let shape = &clf.entry().input.shape;
    let want: usize = shape.iter().product();
    if bytes.len() != want * 4 {
        return Err(bad(format!(
            "{} bytes; the model's input {shape:?} needs {} (raw little-endian f32)",
            bytes.len(),
            want * 4
        )));
    }
    let data = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    // the manifest validated the shape as 4-D
    let shape: [usize; 4] = shape
        .as_slice()
        .try_into()
        .map_err(|_| bad(format!("input shape {shape:?} is not 4-D")))?;
    let raw = clf.raw_output(&Input { shape, data })?;
    // f32's Display is the shortest string that reads back as the same value
    println!(
        "{}",
        serde_json::to_string(&raw).expect("a float list serialises")
    );
    Ok(ExitCode::SUCCESS)
}
