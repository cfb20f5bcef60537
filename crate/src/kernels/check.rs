//! What the per-operation checks (`dwconv_check`, `pointwise_check`) measure of an output
//! against tract's and a reference's.

use tract_onnx::tract_core::internal::*;

/// A case's outcome: the largest difference of our op's outputs from tract's and from the
/// reference, and how many outputs differ from tract's in their bits.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Outcome<C> {
    pub case: C,
    pub outputs: usize,
    pub max_diff_tract: f32,
    pub bits_differ_tract: usize,
    pub max_diff_reference: f32,
    /// what the op replaced: tract's optimised nodes, ours
    pub tract_ops: Vec<String>,
    pub our_ops: Vec<String>,
}

/// The operators of a model, its sources and constants left out.
pub fn ops(m: &TypedModel) -> Vec<String> {
    m.nodes
        .iter()
        .map(|n| n.op().name().to_string())
        .filter(|n| n != "Source" && n != "Const")
        .collect()
}

/// The largest absolute difference of two outputs.
pub fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max)
}

/// How many values of two outputs differ in their bits.
pub fn bits_differ(a: &[f32], b: &[f32]) -> usize {
    a.iter()
        .zip(b)
        .filter(|(a, b)| a.to_bits() != b.to_bits())
        .count()
}

/// The first output of `model` on `inputs`, flat.
pub fn run(model: &TypedModel, inputs: TVec<TValue>) -> TractResult<Vec<f32>> {
    let out = model.clone().into_runnable()?.run(inputs)?;
    Ok(out[0]
        .to_plain_array_view::<f32>()?
        .iter()
        .copied()
        .collect())
}
