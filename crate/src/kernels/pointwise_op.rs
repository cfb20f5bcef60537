//! [`PwConv`], a tract operator running [`super::pointwise_f32`], and the model pass that puts
//! it in place of tract's 1x1 convolutions and the element-wise steps after them.
//!
//! On the decluttered model a 1x1 convolution is an `EinSum` of the activations with constant
//! weights `[O, K]`, then an `Add` of the bias; ReLU6 is a `Max` then a `Min` by constants, and
//! a residual connection an `Add` of a tensor of the same shape. In wasm tract keeps the
//! narrow tensors channel-first and the expanded ones channel-last, so most products read one
//! layout and write the other (`IHW,OI->HWO`, `HWI,OI->OHW`); the kernel takes either. Each
//! such chain (bias, clamp and residual in any order, each the only reader of the step
//! before) becomes one [`PwConv`]: one pass over the activations, no packing of them at run
//! time, one store.

use std::sync::Arc;

use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::binary::TypedBinOp;
use tract_onnx::tract_core::ops::einsum::EinSum;
use tract_onnx::tract_core::ops::math::{Add, Max, Min};

use super::graph::{const_f32, scalar_const, sole_reader, ReplacePass, Replacement};
use super::pointwise_f32::{padded, pointwise, Io, Layout, Operands, Packed, Step};
use super::split::split;

/// A 1x1 convolution of f32 data, in either layout, with its epilogue.
#[derive(Debug, Clone, PartialEq)]
pub struct PwConv {
    io: Io,
    weights: Arc<Packed>,
    steps: Vec<Step>,
    /// the output's shape, as tract's einsum had it
    output_shape: TVec<usize>,
}

// the weights and steps come from a model's constants, which are not NaN: equality is reflexive
impl Eq for PwConv {}

impl PwConv {
    fn rows(&self) -> usize {
        self.io.pixels
    }

    fn macs(&self) -> usize {
        self.rows() * self.weights.k * self.weights.co
    }

    fn has_residual(&self) -> bool {
        self.steps.contains(&Step::Residual)
    }
}

impl Op for PwConv {
    fn name(&self) -> StaticName {
        "EffnetPointwise".into()
    }

    fn info(&self) -> TractResult<Vec<String>> {
        let steps: Vec<&str> = self
            .steps
            .iter()
            .map(|s| match s {
                Step::Bias(_) => "bias",
                Step::Max(_) => "max",
                Step::Min(_) => "min",
                Step::Residual => "residual",
            })
            .collect();
        Ok(vec![format!(
            "{} pixels, {:?} -> {:?}, k {} -> {}, {}",
            self.rows(),
            self.io.input,
            self.io.output,
            self.weights.k,
            self.weights.co,
            steps.join("+")
        )])
    }

    op_as_typed_op!();
}

impl EvalOp for PwConv {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let (rows, k, co) = (self.rows(), self.weights.k, self.weights.co);
        ensure!(inputs.len() == 1 + self.has_residual() as usize);
        let x = &inputs[0];
        ensure!(x.datum_type() == f32::datum_type() && x.len() == rows * k);
        let residual = match inputs.get(1) {
            Some(r) => {
                ensure!(r.datum_type() == f32::datum_type() && r.len() == rows * co);
                r.as_ptr::<f32>()? as usize
            }
            None => 0,
        };
        let mut output = unsafe { Tensor::uninitialized::<f32>(&self.output_shape)? };
        let (xp, op) = (
            x.as_ptr::<f32>()? as usize,
            output.as_ptr_mut::<f32>()? as usize,
        );
        // split over the pool by blocks of the kernel's 4 rows, or, where there are fewer of
        // those than panels of 8 output channels (the 7x7 and 14x14 layers), by panels: the
        // halves are then even; pointers cross to the pool's threads as addresses
        let (blocks, panels) = (rows.div_ceil(4), self.weights.panels());
        let run = |rows: std::ops::Range<usize>, panels: std::ops::Range<usize>| unsafe {
            let operands = Operands {
                io: &self.io,
                w: &self.weights,
                steps: &self.steps,
                x: xp as *const f32,
                residual: residual as *const f32,
                out: op as *mut f32,
            };
            pointwise(&operands, rows, panels)
        };
        if blocks >= panels {
            split(blocks, self.macs(), |b| {
                run(4 * b.start..(4 * b.end).min(rows), 0..panels)
            });
        } else {
            split(panels, self.macs(), |p| run(0..rows, p));
        }
        Ok(tvec!(output.into_tvalue()))
    }
}

impl TypedOp for PwConv {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        ensure!(inputs.iter().all(|i| i.datum_type == f32::datum_type()));
        Ok(tvec!(f32::fact(&self.output_shape)))
    }

    fn cost(&self, _inputs: &[&TypedFact]) -> TractResult<TVec<(Cost, TDim)>> {
        Ok(tvec!((Cost::FMA(f32::datum_type()), self.macs().to_dim())))
    }

    as_op!();
}

/// Whether computing `outlet` needs node `target`.
fn depends_on(model: &TypedModel, outlet: OutletId, target: usize) -> bool {
    let mut todo = vec![outlet.node];
    let mut seen = std::collections::HashSet::new();
    while let Some(n) = todo.pop() {
        if n == target {
            return true;
        }
        if seen.insert(n) {
            todo.extend(model.node(n).inputs.iter().map(|i| i.node));
        }
    }
    false
}

/// The epilogue step `node` (reading `from` at `slot`) would be, if it is one: the step, and
/// the residual's inlet (node, slot) when it is the residual add.
fn step_of(
    model: &TypedModel,
    node: &TypedNode,
    slot: usize,
    (co, o_axis): (usize, usize),
    einsum: usize,
    have_residual: bool,
) -> Option<(Step, Option<(usize, usize)>)> {
    let op = node.op_as::<TypedBinOp>()?;
    if op.1.is_some_and(|dt| dt != f32::datum_type()) || node.inputs.len() != 2 {
        return None;
    }
    let from = node.inputs[slot];
    let other = node.inputs[1 - slot];
    // the step keeps the shape (the other operand broadcasts into it, never the reverse)
    let shape = &model.outlet_fact(from).ok()?.shape;
    if model.outlet_fact(node.id.into()).ok()?.shape != *shape {
        return None;
    }
    let other_fact = model.outlet_fact(other).ok()?;
    if op.0.is::<Max>() || op.0.is::<Min>() {
        let v = scalar_const(model, other)?;
        return Some((
            if op.0.is::<Max>() {
                Step::Max(v)
            } else {
                Step::Min(v)
            },
            None,
        ));
    }
    if !op.0.is::<Add>() {
        return None;
    }
    if other_fact.konst.is_some() {
        // a bias: constant over every axis but O's (where it is O long, or 1)
        let k = const_f32(model, other).ok()??;
        let dims = k.shape();
        if dims.len() != shape.len()
            || dims.iter().enumerate().any(|(i, d)| *d != 1 && i != o_axis)
            || !(dims[o_axis] == co || dims[o_axis] == 1)
        {
            return None;
        }
        let v = k.try_as_plain_ram().ok()?.as_slice::<f32>().ok()?.to_vec();
        let v = if v.len() == co { v } else { vec![v[0]; co] };
        return Some((Step::Bias(padded(&v)), None));
    }
    // a residual: a computed tensor of the output's shape, that does not need this product
    if have_residual
        || other_fact.datum_type != f32::datum_type()
        || other_fact.shape != *shape
        || depends_on(model, other, einsum)
    {
        return None;
    }
    Some((Step::Residual, Some((node.id, 1 - slot))))
}

/// Our operator for the einsum at `node`, if it is a 1x1 convolution, in place of the last
/// step of its epilogue; it reads the activations, then the residual if it adds one.
fn candidate(model: &TypedModel, node: &TypedNode) -> TractResult<Option<Replacement<PwConv>>> {
    let Some(op) = node.op_as::<EinSum>() else {
        return Ok(None);
    };
    if op.q_params.is_some() || op.operating_dt != f32::datum_type() || node.inputs.len() != 2 {
        return Ok(None);
    }
    let x = model.outlet_fact(node.inputs[0])?;
    let y = model.outlet_fact(node.id.into())?;
    let (Some(xs), Some(ys)) = (x.shape.as_concrete(), y.shape.as_concrete()) else {
        return Ok(None);
    };
    if x.datum_type != f32::datum_type() {
        return Ok(None);
    }
    let Some(w) = const_f32(model, node.inputs[1])? else {
        return Ok(None);
    };
    if w.rank() != 2 {
        return Ok(None);
    }
    // the axes: K in x and w, O in w and y, the pixels' axes in x and y in the same order;
    // axes of size 1 may be in one only (tract drops or adds a batch axis in the product)
    let (mut k_at, mut o_at, mut pixel_axes) = (None, None, vec![]);
    for axis in op.axes.iter_all_axes() {
        let (ix, iw, iy) = (&axis.inputs[0], &axis.inputs[1], &axis.outputs[0]);
        match (ix.as_slice(), iw.as_slice(), iy.as_slice()) {
            ([a], [b], []) => k_at = Some((*a, *b)),
            ([], [b], [c]) => o_at = Some((*c, *b)),
            ([a], [], [c]) if xs[*a] == ys[*c] => pixel_axes.push((*a, *c)),
            ([a], [], []) if xs[*a] == 1 => {}
            ([], [], [c]) if ys[*c] == 1 => {}
            _ => return Ok(None),
        }
    }
    let (Some((k_in_x, k_in_w)), Some((o_in_y, o_in_w))) = (k_at, o_at) else {
        return Ok(None);
    };
    pixel_axes.retain(|(a, _)| xs[*a] > 1);
    pixel_axes.sort();
    if !pixel_axes.windows(2).all(|p| p[0].1 < p[1].1) {
        return Ok(None);
    }
    // channels before every pixel axis, or after every one
    let layout = |at: usize, pixels: &mut dyn Iterator<Item = usize>| -> Option<Layout> {
        let v: Vec<usize> = pixels.collect();
        if v.iter().all(|p| *p > at) {
            Some(Layout::Planes)
        } else if v.iter().all(|p| *p < at) {
            Some(Layout::Rows)
        } else {
            None
        }
    };
    let (Some(input), Some(output)) = (
        layout(k_in_x, &mut pixel_axes.iter().map(|p| p.0)),
        layout(o_in_y, &mut pixel_axes.iter().map(|p| p.1)),
    ) else {
        return Ok(None);
    };
    let (k, co) = (xs[k_in_x], ys[o_in_y]);
    let rows: usize = pixel_axes.iter().map(|p| xs[p.0]).product();
    // a matrix-vector product (squeeze-excite) keeps tract's GEMV kernel
    if rows < 2 || w.shape()[k_in_w] != k || w.shape()[o_in_w] != co {
        return Ok(None);
    }
    let wv = w.try_as_plain_ram()?.as_slice::<f32>()?;
    let oi: Vec<f32> = if o_in_w == 0 {
        wv.to_vec()
    } else {
        (0..co * k).map(|j| wv[(j % k) * co + j / k]).collect()
    };
    // the epilogue: each step the only reader of the one before
    let (mut last, mut steps, mut residual) = (node.id, vec![], None);
    while let Some(inlet) = sole_reader(model, last.into()) {
        let next = model.node(inlet.node);
        let Some((step, res)) = step_of(
            model,
            next,
            inlet.slot,
            (co, o_in_y),
            node.id,
            residual.is_some(),
        ) else {
            break;
        };
        residual = residual.or(res);
        steps.push(step);
        last = next.id;
    }
    let op = PwConv {
        io: Io {
            pixels: rows,
            input,
            output,
        },
        weights: Arc::new(Packed::new(&oi, co, k)),
        steps,
        output_shape: ys.into(),
    };
    let mut inputs = tvec!((node.id, 0));
    inputs.extend(residual);
    Ok(Some(Replacement {
        node: node.id,
        op,
        inputs,
        replaces: last,
    }))
}

/// The pass: every 1x1 convolution of a decluttered model we can run, and the steps after it,
/// becomes one [`PwConv`].
pub const POINTWISE: ReplacePass<PwConv> = ReplacePass {
    name: "effnet-pointwise",
    label: "effnet_pw",
    find: candidate,
};
