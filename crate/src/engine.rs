//! tract: an ONNX model, its input fixed to the manifest's shape, optimised and made runnable.

use std::sync::Arc;
use tract_onnx::pb::GraphProto;
use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::{ensure, format_err};
use tract_onnx::tract_core::ops::matmul::optimized::OptMatMul;

use crate::error::{Error, Result};
use crate::kernels::KernelChoice;
use crate::manifest::ModelEntry;
use crate::preprocess::Input;

pub struct Engine {
    plan: Arc<TypedRunnableModel>,
    input_shape: Vec<usize>,
    outputs: usize,
    embedding: Option<usize>,
    tract_products: usize,
}

/// What one run of the model gives: its scores and, when the manifest names one, the
/// embedding (the pooled features the classifier head read), as the graph computed them.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    pub scores: Vec<f32>,
    pub embedding: Option<Vec<f32>>,
}

/// Whether the ONNX file declares a graph output named `name` (false for bytes that are not
/// ONNX: loading them reports that). For borrowing another model's entry for one's own file,
/// which may have no embedding output.
pub fn declares_output(bytes: &[u8], name: &str) -> bool {
    tract_onnx::onnx()
        .proto_model_for_read(&mut &bytes[..])
        .ok()
        .and_then(|p| p.graph)
        .is_some_and(|g| g.output.iter().any(|o| o.name == name))
}

impl Engine {
    /// Parses, checks and optimises the model, with our kernels as `kernels` chooses. Never
    /// panics on bad bytes: a model tract cannot read, or whose input/output does not match
    /// the manifest, is an `Error::Model`.
    pub fn load(entry: &ModelEntry, bytes: &[u8], kernels: &KernelChoice) -> Result<Self> {
        Self::build(entry, bytes, kernels).map_err(|e| Error::Model {
            model: entry.id.clone(),
            reason: format!("{e:#}"),
        })
    }

    fn build(entry: &ModelEntry, bytes: &[u8], kernels: &KernelChoice) -> TractResult<Self> {
        let onnx = tract_onnx::onnx();
        let proto = onnx
            .proto_model_for_read(&mut &bytes[..])
            .map_err(|e| format_err!("cannot parse the ONNX protobuf ({e})"))?;
        let graph = proto
            .graph
            .as_ref()
            .ok_or_else(|| format_err!("the file has no graph"))?;
        check_inputs(graph, entry)?;
        let mut model = onnx.model_for_proto_model(&proto)?;
        select_outputs(&mut model, graph, entry)?;
        let model = model
            .with_input_fact(0, f32::fact(&entry.input.shape).into())?
            .into_typed()?
            .into_decluttered()?;
        let model = kernels.optimize(model)?;
        let outputs = score_count(&model)?;
        let embedding = embedding_size(&model, entry)?;
        let plan = model.into_runnable()?;
        let tract_products = count_tract_products(&plan);
        Ok(Self {
            plan,
            input_shape: entry.input.shape.clone(),
            outputs,
            embedding,
            tract_products,
        })
    }

    /// How many matrix products tract itself runs (`OptMatMul` nodes), after our passes took
    /// the ones they match: in EfficientNet-Lite with the wasm passes, the stem and the
    /// classifier only.
    pub fn tract_products(&self) -> usize {
        self.tract_products
    }

    /// Number of scores the model outputs.
    pub fn outputs(&self) -> usize {
        self.outputs
    }

    /// Number of values of the embedding each run gives, or None if the model has none.
    pub fn embedding_size(&self) -> Option<usize> {
        self.embedding
    }

    /// One inference: the scores, and the embedding if the model has one (same run).
    pub fn run(&self, input: &Input) -> Result<Outputs> {
        if input.shape[..] != self.input_shape[..] {
            return Err(Error::Inference(format!(
                "input shape {:?} does not match the model's {:?}",
                input.shape, self.input_shape
            )));
        }
        let tensor = Tensor::from_shape(&input.shape, &input.data)
            .map_err(|e| Error::Inference(format!("{e:#}")))?;
        let out = self
            .plan
            .run(tvec!(tensor.into_tvalue()))
            .map_err(|e| Error::Inference(format!("{e:#}")))?;
        let flat = |i: usize| -> Result<Vec<f32>> {
            let view = out[i]
                .to_plain_array_view::<f32>()
                .map_err(|e| Error::Inference(format!("{e:#}")))?;
            Ok(view.iter().copied().collect())
        };
        Ok(Outputs {
            scores: flat(0)?,
            embedding: self.embedding.map(|_| flat(1)).transpose()?,
        })
    }
}

/// The graph's one input (its initializers aside) must be the manifest's.
fn check_inputs(graph: &GraphProto, entry: &ModelEntry) -> TractResult<()> {
    let inputs: Vec<&str> = graph
        .input
        .iter()
        .map(|i| i.name.as_str())
        .filter(|n| !graph.initializer.iter().any(|t| t.name == *n))
        .collect();
    ensure!(
        inputs == [entry.input.name.as_str()],
        "its inputs are {inputs:?}, the manifest expects one named '{}'",
        entry.input.name
    );
    Ok(())
}

/// Keeps the scores (the graph's first output) and the manifest's embedding output if it
/// names one; any other output is dropped.
fn select_outputs(
    model: &mut InferenceModel,
    graph: &GraphProto,
    entry: &ModelEntry,
) -> TractResult<()> {
    let mut wanted = vec![*model
        .outputs
        .first()
        .ok_or_else(|| format_err!("the graph has no output"))?];
    if let Some(emb) = &entry.output.embedding {
        let names: Vec<&str> = graph.output.iter().map(|o| o.name.as_str()).collect();
        let at = names.iter().position(|n| *n == emb.name).ok_or_else(|| {
            format_err!(
                "the manifest names embedding output '{}', the graph's outputs are {names:?}",
                emb.name
            )
        })?;
        wanted.push(model.outputs[at]);
    }
    model.select_output_outlets(&wanted)?;
    Ok(())
}

/// How many scores the first output holds: f32, one axis other than 1.
fn score_count(model: &TypedModel) -> TractResult<usize> {
    let fact = model.output_fact(0)?;
    let shape = fact
        .shape
        .as_concrete()
        .ok_or_else(|| format_err!("its output shape is not static"))?;
    ensure!(
        fact.datum_type == f32::datum_type() && shape.iter().filter(|d| **d != 1).count() <= 1,
        "its output is {:?} {shape:?}, expected f32 scores [1, N]",
        fact.datum_type
    );
    Ok(shape.iter().product())
}

/// The embedding's size, if the manifest names one: the second output must be f32 of it.
fn embedding_size(model: &TypedModel, entry: &ModelEntry) -> TractResult<Option<usize>> {
    let Some(emb) = &entry.output.embedding else {
        return Ok(None);
    };
    let fact = model.output_fact(1)?;
    let size = fact
        .shape
        .as_concrete()
        .map(|s| s.iter().product::<usize>());
    ensure!(
        fact.datum_type == f32::datum_type() && size == Some(emb.size),
        "its embedding output '{}' is {:?} {:?}, the manifest says f32 [1, {}]",
        emb.name,
        fact.datum_type,
        fact.shape,
        emb.size
    );
    Ok(Some(emb.size))
}

/// The matrix products tract runs itself (`OptMatMul` nodes).
fn count_tract_products(plan: &TypedRunnableModel) -> usize {
    plan.model()
        .nodes()
        .iter()
        .filter(|n| n.op().downcast_ref::<OptMatMul>().is_some())
        .count()
}

/// An operator's kind for the profile: its name, and for a matrix product the kernel(s) it
/// runs, e.g. `OptMatMul(effnet_wasm_f32_4x8)`.
fn op_kind(op: &dyn Op) -> String {
    match op.downcast_ref::<OptMatMul>() {
        Some(mm) => {
            let kernels: Vec<&str> = mm.mmm.iter().map(|k| k.name()).collect();
            format!("{}({})", op.name(), kernels.join(","))
        }
        None => op.name().to_string(),
    }
}

/// Time spent in one kind of operator during a profiled run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OpTime {
    pub op: String,
    pub nodes: usize,
    pub ms: f64,
}

impl Engine {
    /// Runs once, timing every node with `now` (milliseconds; `performance.now` in a browser),
    /// and sums the times per operator kind, slowest first.
    pub fn profile(&self, input: &Input, now: &dyn Fn() -> f64) -> Result<Vec<OpTime>> {
        let tensor = Tensor::from_shape(&input.shape, &input.data)
            .map_err(|e| Error::Inference(format!("{e:#}")))?;
        let mut times: Vec<OpTime> = vec![];
        let mut state = self
            .plan
            .spawn()
            .map_err(|e| Error::Inference(format!("{e:#}")))?;
        state
            .run_plan_with_eval(tvec!(tensor.into_tvalue()), |ctx, st, node, inputs| {
                let t0 = now();
                let r = tract_onnx::tract_core::plan::eval(ctx, st, node, inputs);
                let ms = now() - t0;
                let op = op_kind(node.op());
                match times.iter_mut().find(|t| t.op == op) {
                    Some(t) => {
                        t.nodes += 1;
                        t.ms += ms;
                    }
                    None => times.push(OpTime { op, nodes: 1, ms }),
                }
                r
            })
            .map_err(|e| Error::Inference(format!("{e:#}")))?;
        times.sort_by(|a, b| b.ms.total_cmp(&a.ms));
        Ok(times)
    }
}
