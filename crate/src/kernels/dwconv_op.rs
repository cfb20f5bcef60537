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

use std::sync::Arc;

use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::binary::TypedBinOp;
use tract_onnx::tract_core::ops::cnn::conv::{Conv, KernelFormat};
use tract_onnx::tract_core::ops::math::{Max, Min};
use tract_onnx::tract_core::ops::nn::DataFormat;

use super::dwconv_f32::{dwconv, dwconv_hwc, Geometry, Plan, PlanHwc};
use super::graph::{const_f32, scalar_const, sole_reader, ReplacePass, Replacement};
use super::split::split;

/// The kernel's data layout: tract's choice, kept (channel-last in wasm, NCHW natively).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Layout {
    /// `[N,] C, H, W`; weights `[C][kh][kw]`
    Planes(Plan),
    /// `[N,] H, W, C`; weights tap-major, `[kh * kw][C]`
    ChannelLast(PlanHwc),
}

/// A depthwise convolution of f32 input, weights, bias and clamp folded in.
#[derive(Debug, Clone)]
pub struct DwConv {
    layout: Layout,
    channels: usize,
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
        self.layout == other.layout
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
    fn geo(&self) -> &Geometry {
        match &self.layout {
            Layout::Planes(p) => &p.geo,
            Layout::ChannelLast(p) => &p.geo,
        }
    }

    /// Images in a run.
    fn images(&self) -> usize {
        self.output_shape.iter().rev().skip(3).product()
    }

    fn macs(&self) -> usize {
        let g = self.geo();
        self.images() * self.channels * g.oh * g.ow * g.kh * g.kw
    }
}

impl Op for DwConv {
    fn name(&self) -> StaticName {
        "EffnetDepthWise".into()
    }

    fn info(&self) -> TractResult<Vec<String>> {
        Ok(vec![format!("{:?} clamp {:?}", self.layout, self.clamp)])
    }

    op_as_typed_op!();
}

impl EvalOp for DwConv {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let input = args_1!(inputs);
        ensure!(input.datum_type() == f32::datum_type());
        let g = *self.geo();
        let (images, c) = (self.images(), self.channels);
        ensure!(
            input.len() == images * c * g.h * g.w,
            "DwConv: input shape {:?}",
            input.shape()
        );
        let mut output = unsafe { Tensor::uninitialized::<f32>(&self.output_shape)? };
        let (iptr, optr) = (
            input.as_ptr::<f32>()? as usize,
            output.as_ptr_mut::<f32>()? as usize,
        );
        let (wptr, bptr) = (self.weights.as_ptr() as usize, self.bias.as_ptr() as usize);
        // pointers cross to the pool's threads as addresses
        match &self.layout {
            // each range of planes writes its own part of the output
            Layout::Planes(plan) => split(images * c, self.macs(), |planes| unsafe {
                let (i, o) = (iptr as *const f32, optr as *mut f32);
                let (w, b) = (wptr as *const f32, bptr as *const f32);
                dwconv(plan, i, w, b, self.clamp, o, c, planes)
            }),
            // each range of an image's output rows likewise
            Layout::ChannelLast(plan) => {
                for n in 0..images {
                    let i = iptr + 4 * n * g.h * g.w * c;
                    let o = optr + 4 * n * g.oh * g.ow * c;
                    split(g.oh, self.macs() / images, |rows| unsafe {
                        let (w, b) = (wptr as *const f32, bptr as *const f32);
                        dwconv_hwc(plan, i as *const f32, w, b, self.clamp, o as *mut f32, rows)
                    })
                }
            }
        }
        Ok(tvec!(output.into_tvalue()))
    }
}

impl TypedOp for DwConv {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        ensure!(inputs.len() == 1 && inputs[0].datum_type == f32::datum_type());
        Ok(tvec!(f32::fact(&self.output_shape)))
    }

    fn cost(&self, _inputs: &[&TypedFact]) -> TractResult<TVec<(Cost, TDim)>> {
        Ok(tvec!((Cost::FMA(f32::datum_type()), self.macs().to_dim())))
    }

    as_op!();
}

/// If `outlet`'s only reader is a `Max` (`want_max`) or `Min` by a constant scalar, that node
/// and the scalar.
fn clamp_step(model: &TypedModel, outlet: OutletId, want_max: bool) -> Option<(usize, f32)> {
    let inlet = sole_reader(model, outlet)?;
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

/// Our operator for the convolution at `node`, if it is one we run, in place of the clamp's
/// last node or the convolution itself.
fn candidate(model: &TypedModel, node: &TypedNode) -> TractResult<Option<Replacement<DwConv>>> {
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
        || node.inputs.len() != 3
    {
        return Ok(None);
    }
    // (rank, channel axis from the end)
    let (rank, c_from_end) = match ps.data_format {
        DataFormat::NCHW => (4, 3),
        DataFormat::CHW => (3, 3),
        DataFormat::NHWC => (4, 1),
        DataFormat::HWC => (3, 1),
    };
    let channel_last = c_from_end == 1;
    let x = model.outlet_fact(node.inputs[0])?;
    let Some(x_shape) = x.shape.as_concrete() else {
        return Ok(None);
    };
    if x.datum_type != f32::datum_type() || x_shape.len() != rank || x_shape[rank - c_from_end] != c
    {
        return Ok(None);
    }
    let (Some(kernel), Some(bias)) = (
        const_f32(model, node.inputs[1])?,
        const_f32(model, node.inputs[2])?,
    ) else {
        return Ok(None);
    };
    let (kh, kw) = (ps.kernel_shape[0], ps.kernel_shape[1]);
    if kernel.shape() != [c, 1, kh, kw] || !(bias.len() == c || bias.len() == 1) {
        return Ok(None);
    }
    let h_axis = if channel_last { rank - 3 } else { rank - 2 };
    let hw = &x_shape[h_axis..h_axis + 2];
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
    output_shape[h_axis] = geo.oh;
    output_shape[h_axis + 1] = geo.ow;
    let conv_out = model.outlet_fact(node.id.into())?;
    if conv_out.shape.as_concrete() != Some(&output_shape[..]) || geo.oh == 0 || geo.ow == 0 {
        return Ok(None);
    }
    // [C][kh][kw] as ONNX has it, or tap-major for channel-last
    let weights = kernel.try_as_plain_ram()?.as_slice::<f32>()?.to_vec();
    let taps = kh * kw;
    let (layout, weights) = if channel_last {
        let tap_major = (0..taps * c)
            .map(|i| weights[(i % c) * taps + i / c])
            .collect();
        (Layout::ChannelLast(PlanHwc::new(geo, c)), tap_major)
    } else {
        (Layout::Planes(Plan::new(geo)), weights)
    };
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
        layout,
        channels: c,
        weights: Arc::new(weights),
        bias: Arc::new(bias),
        clamp,
        output_shape,
    };
    Ok(Some(Replacement {
        node: node.id,
        op,
        inputs: tvec!((node.id, 0)),
        replaces: last,
    }))
}

/// The pass: every depthwise convolution of a decluttered model we can run, and the clamp
/// after it, becomes one [`DwConv`].
pub const DEPTHWISE: ReplacePass<DwConv> = ReplacePass {
    name: "effnet-dwconv",
    label: "effnet_dw",
    find: candidate,
};
