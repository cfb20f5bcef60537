//! [`DwConv`], a tract operator running [`super::dwconv_f32`], and the model pass that puts it
//! in place of tract's depthwise convolutions.
//!
//! The pass runs on the decluttered model, before `into_optimized`: there a depthwise
//! convolution is still a `Conv` with its padding, strides and constant weights in the open
//! (after codegen, tract's `DepthWise` keeps them private), and an ONNX `Clip` after it is
//! still a `Max` then a `Min` by constants. Each f32 NCHW/CHW `Conv` whose group is its channel
//! count (dilation 1, constant weights and bias) becomes one [`DwConv`] holding them, together
//! with the clamp that follows it when nothing else reads the convolution's output: tract would
//! otherwise run that clamp as a separate pass over the output (`OptBinChain(Max+Min)`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::binary::TypedBinOp;
use tract_onnx::tract_core::ops::cnn::conv::{Conv, KernelFormat};
use tract_onnx::tract_core::ops::math::{Max, Min};
use tract_onnx::tract_core::ops::nn::DataFormat;

use super::dwconv_f32::{dwconv, Geometry, Plan};

/// Whether [`rewrite`] replaces tract's depthwise convolutions; off only to measure against
/// tract's own.
static OURS: AtomicBool = AtomicBool::new(true);

/// Use our depthwise convolution (true) or tract's (false) for the models loaded from now on.
/// The default: ours in wasm and natively.
pub fn use_own_dwconv(on: bool) {
    OURS.store(on, Ordering::Relaxed);
}

/// Whether [`rewrite`] will act.
pub fn own_dwconv() -> bool {
    OURS.load(Ordering::Relaxed)
}

/// A depthwise convolution of `[N,] C, H, W` f32 input, weights, bias and clamp folded in.
#[derive(Debug, Clone)]
pub struct DwConv {
    plan: Plan,
    channels: usize,
    /// `[C][kh][kw]`
    weights: Arc<Vec<f32>>,
    bias: Arc<Vec<f32>>,
    /// `min(max(x, lo), hi)` on every output
    clamp: Option<(f32, f32)>,
    output_shape: TVec<usize>,
}

impl PartialEq for DwConv {
    fn eq(&self, other: &Self) -> bool {
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let clamp_bits = |c: Option<(f32, f32)>| c.map(|(a, b)| (a.to_bits(), b.to_bits()));
        self.plan == other.plan
            && self.channels == other.channels
            && self.output_shape == other.output_shape
            && clamp_bits(self.clamp) == clamp_bits(other.clamp)
            && bits(&self.weights) == bits(&other.weights)
            && bits(&self.bias) == bits(&other.bias)
    }
}
// bit equality is an equivalence
impl Eq for DwConv {}

impl DwConv {
    /// Planes (images x channels) per call of the kernel, to split across threads.
    fn planes(&self) -> usize {
        self.output_shape.iter().rev().skip(2).product()
    }
}

impl Op for DwConv {
    fn name(&self) -> StaticName {
        "EffnetDepthWise".into()
    }

    fn info(&self) -> TractResult<Vec<String>> {
        Ok(vec![format!("{:?} clamp {:?}", self.plan.geo, self.clamp)])
    }

    op_as_typed_op!();
}

impl EvalOp for DwConv {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let input = args_1!(inputs);
        ensure!(input.datum_type() == f32::datum_type());
        let g = self.plan.geo;
        let planes = self.planes();
        ensure!(
            input.len() == planes * g.h * g.w,
            "DwConv: input shape {:?}",
            input.shape()
        );
        let mut output = unsafe { Tensor::uninitialized::<f32>(&self.output_shape)? };
        let (iptr, optr) = (
            input.as_ptr::<f32>()? as usize,
            output.as_ptr_mut::<f32>()? as usize,
        );
        let (wptr, bptr) = (self.weights.as_ptr() as usize, self.bias.as_ptr() as usize);
        // each range of planes writes its own part of the output
        let run = |range: std::ops::Range<usize>| unsafe {
            dwconv(
                &self.plan,
                iptr as *const f32,
                wptr as *const f32,
                bptr as *const f32,
                self.clamp,
                optr as *mut f32,
                self.channels,
                range,
            )
        };
        split(planes, planes * self.plan.macs_per_plane(), run);
        Ok(tvec!(output.into_tvalue()))
    }
}

/// Runs `run` over `0..planes`: in the threads build, when tract runs on the rayon pool and the
/// work is worth it, one contiguous range per pool thread (the calling one included), which is
/// as little synchronisation as a split can have: every plane costs the same.
fn split(planes: usize, macs: usize, run: impl Fn(std::ops::Range<usize>) + Sync) {
    #[cfg(feature = "threads")]
    {
        use tract_linalg::multithread::{current_tract_executor, Executor};
        // below this, the hand-off costs more than half the work saves (a warm pool's thread
        // takes a few microseconds to pick a job up)
        const MIN_MACS: usize = 1 << 17;
        let threads = rayon::current_num_threads().min(planes);
        if threads > 1
            && macs >= MIN_MACS
            && matches!(current_tract_executor(), Executor::RayonGlobal)
        {
            let bounds = |i: usize| i * planes / threads;
            rayon::scope(|s| {
                let run = &run;
                for i in 1..threads {
                    s.spawn(move |_| run(bounds(i)..bounds(i + 1)));
                }
                run(0..bounds(1));
            });
            return;
        }
    }
    let _ = macs;
    run(0..planes)
}

impl TypedOp for DwConv {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        ensure!(inputs.len() == 1 && inputs[0].datum_type == f32::datum_type());
        Ok(tvec!(f32::fact(&self.output_shape)))
    }

    fn cost(&self, _inputs: &[&TypedFact]) -> TractResult<TVec<(Cost, TDim)>> {
        let macs = self.planes() * self.plan.macs_per_plane();
        Ok(tvec!((Cost::FMA(f32::datum_type()), macs.to_dim())))
    }

    as_op!();
}

/// The constant single f32 value at `outlet`, if it is one.
fn scalar_const(model: &TypedModel, outlet: OutletId) -> Option<f32> {
    let k = model.outlet_fact(outlet).ok()?.konst.clone()?;
    (k.datum_type() == f32::datum_type() && k.len() == 1).then(|| {
        k.try_as_plain_ram()
            .ok()?
            .as_slice::<f32>()
            .ok()
            .map(|s| s[0])
    })?
}

/// If `outlet`'s only reader is a `Max` (`want_max`) or `Min` by a constant scalar, that node
/// and the scalar.
fn clamp_step(model: &TypedModel, outlet: OutletId, want_max: bool) -> Option<(usize, f32)> {
    if model.output_outlets().ok()?.contains(&outlet) {
        return None;
    }
    let succ = model.outlet_successors(outlet);
    let [inlet] = succ else { return None };
    let node = model.node(inlet.node);
    let op = node.op_as::<TypedBinOp>()?;
    let kind_ok = if want_max {
        op.0.is::<Max>()
    } else {
        op.0.is::<Min>()
    };
    if !kind_ok || op.1.is_some_and(|dt| dt != f32::datum_type()) || node.inputs.len() != 2 {
        return None;
    }
    let other = node.inputs[1 - inlet.slot];
    // the result must keep the convolution's shape (the scalar broadcasts into it)
    let same_shape =
        model.outlet_fact(node.id.into()).ok()?.shape == model.outlet_fact(outlet).ok()?.shape;
    same_shape.then_some(())?;
    Some((node.id, scalar_const(model, other)?))
}

/// Our operator for the convolution at `node`, if it is one we run, and the node whose output
/// it replaces (the clamp's last node, or the convolution itself).
fn candidate(model: &TypedModel, node: &TypedNode) -> TractResult<Option<(DwConv, usize)>> {
    let Some(conv) = node.op_as::<Conv>() else {
        return Ok(None);
    };
    let ps = &conv.pool_spec;
    let c = ps.input_channels;
    if conv.q_params.is_some()
        || conv.kernel_fmt != KernelFormat::OIHW
        || conv.group != c
        || ps.output_channels != c
        || c < 2
        || ps.kernel_shape.len() != 2
        || ps
            .dilations
            .as_ref()
            .is_some_and(|d| d.iter().any(|d| *d != 1))
        || !matches!(ps.data_format, DataFormat::NCHW | DataFormat::CHW)
        || node.inputs.len() != 3
    {
        return Ok(None);
    }
    let x = model.outlet_fact(node.inputs[0])?;
    let Some(x_shape) = x.shape.as_concrete() else {
        return Ok(None);
    };
    let rank_ok = x_shape.len()
        == if ps.data_format == DataFormat::NCHW {
            4
        } else {
            3
        };
    if x.datum_type != f32::datum_type() || !rank_ok {
        return Ok(None);
    }
    let (kernel, bias) = (
        model.outlet_fact(node.inputs[1])?,
        model.outlet_fact(node.inputs[2])?,
    );
    let (Some(kernel), Some(bias)) = (kernel.konst.clone(), bias.konst.clone()) else {
        return Ok(None);
    };
    let (kh, kw) = (ps.kernel_shape[0], ps.kernel_shape[1]);
    if kernel.datum_type() != f32::datum_type()
        || kernel.shape() != [c, 1, kh, kw]
        || bias.datum_type() != f32::datum_type()
        || !(bias.len() == c || bias.len() == 1)
    {
        return Ok(None);
    }
    let hw = &x_shape[x_shape.len() - 2..];
    if x_shape[x_shape.len() - 3] != c {
        return Ok(None);
    }
    let pads = ps.computed_padding(hw);
    let strides = ps.strides.clone().unwrap_or_else(|| tvec!(1, 1));
    let geo = Geometry {
        h: hw[0],
        w: hw[1],
        kh,
        kw,
        stride_h: strides[0],
        stride_w: strides[1],
        pad_top: pads[0].pad_before,
        pad_left: pads[1].pad_before,
        oh: pads[0].convoluted,
        ow: pads[1].convoluted,
    };
    let mut output_shape: TVec<usize> = x_shape.into();
    let rank = output_shape.len();
    output_shape[rank - 2] = geo.oh;
    output_shape[rank - 1] = geo.ow;
    let conv_out = model.outlet_fact(node.id.into())?;
    if conv_out.shape.as_concrete() != Some(&output_shape[..]) || geo.oh == 0 || geo.ow == 0 {
        return Ok(None);
    }
    let weights = kernel.try_as_plain_ram()?.as_slice::<f32>()?.to_vec();
    let bias = bias.try_as_plain_ram()?.as_slice::<f32>()?;
    let bias = if bias.len() == c {
        bias.to_vec()
    } else {
        vec![bias[0]; c]
    };
    // a Max, then a Min, by constants: ONNX Clip (ReLU6), fused when they are the only readers
    let mut last = node.id;
    let mut clamp = None;
    if let Some((max_node, lo)) = clamp_step(model, node.id.into(), true) {
        if let Some((min_node, hi)) = clamp_step(model, max_node.into(), false) {
            if lo <= hi {
                clamp = Some((lo, hi));
                last = min_node;
            }
        }
    }
    let op = DwConv {
        plan: Plan::new(geo),
        channels: c,
        weights: Arc::new(weights),
        bias: Arc::new(bias),
        clamp,
        output_shape,
    };
    Ok(Some((op, last)))
}

/// [`replace_depthwise`], unless [`use_own_dwconv`] is off.
pub fn rewrite(model: &mut TypedModel) -> TractResult<usize> {
    if !own_dwconv() {
        return Ok(0);
    }
    replace_depthwise(model)
}

/// Replaces every depthwise convolution of a decluttered model we can run (and the clamp after
/// it) with [`DwConv`]; returns how many.
pub fn replace_depthwise(model: &mut TypedModel) -> TractResult<usize> {
    let mut found = vec![];
    for node in &model.nodes {
        if let Some((op, last)) = candidate(model, node)? {
            found.push((node.id, op, last));
        }
    }
    for (id, op, last) in &found {
        let node = model.node(*id);
        let mut patch = TypedModelPatch::new("effnet-dwconv");
        let x = patch.tap_model(model, node.inputs[0])?;
        let y = patch.wire_node(format!("{}.effnet_dw", node.name), op.clone(), &[x])?[0];
        patch.shunt_outside(model, OutletId::new(*last, 0), y)?;
        patch.apply(model)?;
    }
    if !found.is_empty() {
        model.compact()?;
    }
    Ok(found.len())
}
