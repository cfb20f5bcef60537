//! What the per-operation checks (`dwconv_check`, `pointwise_check`) share: their inputs, the
//! clamp they wire, and the comparison of our pass's output with tract's and a reference's.

use std::fmt::Debug;

use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::math::{max, min};
use tract_onnx::tract_core::transform::ModelTransform;

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

/// Every case's outcome (an error names the case).
pub fn check_each<C: Debug>(
    cases: Vec<C>,
    check: impl Fn(&C) -> TractResult<Outcome<C>>,
) -> TractResult<Vec<Outcome<C>>> {
    cases
        .iter()
        .map(|c| check(c).with_context(|| format!("{c:?}")))
        .collect()
}

/// Deterministic values in about -amp..amp.
pub fn values(len: usize, seed: f32, amp: f32) -> Vec<f32> {
    (0..len)
        .map(|i| ((i as f32 * 0.618 + seed).sin() * 43758.547).fract() * amp)
        .collect()
}

/// ReLU6 after `y`, as tract-onnx translates `Clip(0, 6)`: a `Max` then a `Min` by constants
/// of `y`'s rank.
pub fn wire_relu6(m: &mut TypedModel, y: OutletId) -> TractResult<OutletId> {
    let ones = vec![1; m.outlet_fact(y)?.rank()];
    let lo = m.add_const("lo", Tensor::from_shape(&ones, &[0f32])?)?;
    let hi = m.add_const("hi", Tensor::from_shape(&ones, &[6f32])?)?;
    let y = m.wire_node("max", max(), &[y, lo])?[0];
    Ok(m.wire_node("min", min(), &[y, hi])?[0])
}

/// Runs the decluttered `model` on `feed` as tract optimises it and with `pass` applied first,
/// and measures ours against tract's output and `reference`.
pub fn compare<C: Debug + Clone>(
    case: &C,
    model: TypedModel,
    pass: &dyn ModelTransform,
    feed: TVec<TValue>,
    reference: &[f32],
) -> TractResult<Outcome<C>> {
    let tract = model.clone().into_optimized()?;
    let ours = pass.transform_into(model)?.into_optimized()?;
    let (t, o) = (run(&tract, feed.clone())?, run(&ours, feed)?);
    ensure!(
        t.len() == o.len(),
        "{case:?}: {} outputs from tract, {} from ours",
        t.len(),
        o.len()
    );
    Ok(Outcome {
        case: case.clone(),
        outputs: o.len(),
        max_diff_tract: max_diff(&o, &t),
        bits_differ_tract: bits_differ(&o, &t),
        max_diff_reference: if reference.len() == o.len() {
            max_diff(&o, reference)
        } else {
            f32::INFINITY
        },
        tract_ops: ops(&tract),
        our_ops: ops(&ours),
    })
}

/// The operators of a model, its sources and constants left out.
fn ops(m: &TypedModel) -> Vec<String> {
    m.nodes
        .iter()
        .map(|n| n.op().name().to_string())
        .filter(|n| n != "Source" && n != "Const")
        .collect()
}

/// The largest absolute difference of two outputs.
fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max)
}

/// How many values of two outputs differ in their bits.
fn bits_differ(a: &[f32], b: &[f32]) -> usize {
    a.iter()
        .zip(b)
        .filter(|(a, b)| a.to_bits() != b.to_bits())
        .count()
}

/// The first output of `model` on `inputs`, flat.
fn run(model: &TypedModel, inputs: TVec<TValue>) -> TractResult<Vec<f32>> {
    let out = model.clone().into_runnable()?.run(inputs)?;
    Ok(out[0]
        .to_plain_array_view::<f32>()?
        .iter()
        .copied()
        .collect())
}
