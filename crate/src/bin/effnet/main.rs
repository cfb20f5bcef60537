//! `effnet`: the native face of the crate.

mod bench;
mod classify;
mod embed;
mod resolve;
mod tensor;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "effnet",
    version,
    about = "EfficientNet image classification with tract"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Run tract's own depthwise convolution instead of ours (crate/src/kernels/), to compare
    #[arg(long, global = true, env = "EFFNET_TRACT_DWCONV", value_parser = clap::builder::BoolishValueParser::new())]
    tract_dwconv: bool,
}

#[derive(clap::Args, Clone)]
pub struct ModelArgs {
    /// A manifest model id (efficientnet-lite0) or a path to an .onnx file
    #[arg(long, short)]
    pub model: String,
    /// Folder holding manifest.json and the .onnx files
    #[arg(long, default_value = "models", env = "EFFNET_MODELS_DIR")]
    pub models_dir: PathBuf,
    /// For an .onnx path the manifest does not list: use this model's preprocessing and labels
    #[arg(long)]
    pub like: Option<String>,
    /// Which of our kernels the model runs (from the global --tract-dwconv)
    #[arg(skip)]
    pub kernels: effnet::kernels::KernelChoice,
}

#[derive(Subcommand)]
enum Command {
    /// Classify image files (JPEG, PNG, WebP, GIF)
    Classify {
        #[command(flatten)]
        model: ModelArgs,
        /// How many categories to print per image
        #[arg(long, default_value_t = 5)]
        top_k: usize,
        /// One JSON object per line per image
        #[arg(long)]
        json: bool,
        /// fast: JPEGs decoded at 1/2, 1/4 or 1/8 of their size, the largest reduction that
        /// keeps the short side >= the model's resize target (as PIL's draft does)
        #[arg(long, value_enum, default_value_t = classify::Decode::Exact)]
        decode: classify::Decode,
        /// Images classified at once (default: one per core)
        #[arg(long)]
        jobs: Option<usize>,
        #[arg(required = true)]
        images: Vec<String>,
    },
    /// Print each image's embedding: the pooled features before the classifier head,
    /// L2-normalised unless --no-l2-normalize (text: the file, a tab, the values)
    Embed {
        #[command(flatten)]
        model: ModelArgs,
        /// One JSON object per line per image: {"file", "embedding": {"floatEmbedding": [...]}}
        /// (or "quantizedEmbedding")
        #[arg(long)]
        json: bool,
        /// The raw pooled features, not scaled to unit length
        #[arg(long)]
        no_l2_normalize: bool,
        /// One signed byte per value: round(v * 127) of the L2-normalised vector (MediaPipe's
        /// scalar quantisation)
        #[arg(long, conflicts_with = "no_l2_normalize")]
        quantize: bool,
        #[arg(long, value_enum, default_value_t = classify::Decode::Exact)]
        decode: classify::Decode,
        #[arg(required = true)]
        images: Vec<String>,
    },
    /// Measure model load, preprocessing and inference times
    Bench(bench::BenchArgs),
    /// Print the model's raw output (a JSON array) for an input tensor stored as raw
    /// little-endian f32 in the model's input shape and layout: compares tract with other
    /// runtimes on exactly the same input
    RunTensor {
        #[command(flatten)]
        model: ModelArgs,
        /// The tensor file
        input: PathBuf,
    },
    /// Time one inference per operator kind
    Profile {
        #[command(flatten)]
        model: ModelArgs,
        /// Profiled runs to average (after one warm-up)
        #[arg(long, default_value_t = 10)]
        runs: usize,
    },
}

impl Command {
    /// The model every command loads.
    fn model_args_mut(&mut self) -> &mut ModelArgs {
        match self {
            Command::Classify { model, .. }
            | Command::Embed { model, .. }
            | Command::RunTensor { model, .. }
            | Command::Profile { model, .. } => model,
            Command::Bench(args) => &mut args.model,
        }
    }
}

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    cli.command.model_args_mut().kernels.dwconv = !cli.tract_dwconv;
    let result = match cli.command {
        Command::Classify {
            model,
            top_k,
            json,
            decode,
            jobs,
            images,
        } => classify::run(&model, top_k, json, decode, jobs, &images),
        Command::Embed {
            model,
            json,
            no_l2_normalize,
            quantize,
            decode,
            images,
        } => {
            let options = effnet::EmbedOptions {
                l2_normalize: !no_l2_normalize,
                quantize,
            };
            embed::run(&model, options, json, decode, &images)
        }
        Command::Bench(args) => bench::run(&args),
        Command::Profile { model, runs } => bench::profile(&model, runs),
        Command::RunTensor { model, input } => tensor::run(&model, &input),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("effnet: {e}");
            ExitCode::from(2)
        }
    }
}
