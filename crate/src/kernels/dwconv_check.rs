//! Per-operation check of [`super::dwconv_op::DwConv`] against tract's own depthwise
//! convolution and a plain reference, over every path of the kernel: 3x3, 5x5 and 7x7, strides
//! 1 and 2 (and mixed), padding none, symmetric and asymmetric (odd and even before the row),
//! with and without the clamp, channel counts that fill no block, odd and tiny planes (1x1,
//! 2x3, 7x7), a batch of two.
//!
//! In the crate rather than under `tests/` so that the wasm build can run it too (the JS test
//! calls `dwconvSelfTest`): the kernel's SIMD128 path exists only there.

use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::cnn::conv::{Conv, KernelFormat};
use tract_onnx::tract_core::ops::cnn::{PaddingSpec, PoolSpec};
use tract_onnx::tract_core::ops::nn::DataFormat;

use super::check::{check_each, compare, values, wire_relu6};
use super::dwconv_f32::{reference, Geometry};
use super::dwconv_op::DEPTHWISE;

/// One case: `n` images (0: CHW, no batch axis) of `c` channels, `h x w`, a `k.0 x k.1` kernel.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Case {
    pub n: usize,
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub k: (usize, usize),
    pub stride: (usize, usize),
    /// (top, left), (bottom, right)
    pub pad_before: (usize, usize),
    pub pad_after: (usize, usize),
    pub clamp: bool,
    /// `[N,] H, W, C` (the layout tract picks in wasm) rather than `[N,] C, H, W`
    pub channel_last: bool,
}

/// A case's outcome ([`super::check::Outcome`]).
pub type Outcome = super::check::Outcome<Case>;

#[allow(clippy::too_many_arguments)]
fn case(
    n: usize,
    c: usize,
    (h, w): (usize, usize),
    k: usize,
    stride: (usize, usize),
    pad_before: (usize, usize),
    pad_after: (usize, usize),
    clamp: bool,
) -> Case {
    Case {
        n,
        c,
        h,
        w,
        k: (k, k),
        stride,
        pad_before,
        pad_after,
        clamp,
        channel_last: false,
    }
}

/// The cases: EfficientNet-Lite's own shapes at small sizes, and the edges around them.
pub fn cases() -> Vec<Case> {
    let mut v = vec![];
    for clamp in [true, false] {
        // stride 1, same padding, 3x3 and 5x5, wide and narrow planes, odd channel counts
        v.push(case(0, 17, (13, 11), 3, (1, 1), (1, 1), (1, 1), clamp));
        v.push(case(0, 5, (56, 56), 3, (1, 1), (1, 1), (1, 1), clamp));
        v.push(case(0, 9, (14, 14), 5, (1, 1), (2, 2), (2, 2), clamp));
        v.push(case(0, 33, (7, 7), 5, (1, 1), (2, 2), (2, 2), clamp));
        v.push(case(0, 3, (28, 30), 5, (1, 1), (2, 2), (2, 2), clamp));
        // stride 2, TF's "same" (nothing before, one or two after) and symmetric
        v.push(case(0, 6, (16, 16), 3, (2, 2), (0, 0), (1, 1), clamp));
        v.push(case(0, 7, (28, 28), 5, (2, 2), (1, 1), (2, 2), clamp));
        v.push(case(0, 5, (15, 13), 3, (2, 2), (1, 1), (1, 1), clamp));
        v.push(case(0, 4, (14, 14), 5, (2, 2), (2, 2), (2, 2), clamp));
        v.push(case(0, 3, (9, 11), 3, (2, 2), (0, 0), (0, 0), clamp));
    }
    // tiny planes, no padding, mixed strides, a larger kernel, a batch
    v.push(case(0, 4, (1, 1), 3, (1, 1), (1, 1), (1, 1), true));
    v.push(case(0, 4, (2, 3), 3, (1, 1), (1, 1), (1, 1), false));
    v.push(case(0, 4, (2, 3), 5, (2, 2), (2, 2), (2, 2), true));
    v.push(case(0, 6, (10, 9), 3, (1, 1), (0, 0), (0, 0), true));
    v.push(case(0, 6, (12, 10), 3, (1, 1), (1, 0), (0, 1), false));
    v.push(case(0, 5, (12, 17), 3, (2, 1), (1, 1), (1, 1), true));
    v.push(case(0, 5, (17, 12), 3, (1, 2), (1, 1), (1, 1), false));
    v.push(case(0, 3, (20, 20), 7, (1, 1), (3, 3), (3, 3), true));
    v.push(case(2, 6, (9, 9), 3, (1, 1), (1, 1), (1, 1), true));
    v.push(case(2, 3, (8, 8), 5, (2, 2), (1, 1), (2, 2), false));
    // each again channel-last, with channel counts for every channel loop (16s, 4s, singles)
    let last: Vec<Case> = v
        .iter()
        .map(|c| Case {
            channel_last: true,
            c: [c.c, 16, 21, 36][c.h % 4],
            ..c.clone()
        })
        .collect();
    v.extend(last);
    v.push(Case {
        channel_last: true,
        ..case(0, 48, (14, 14), 5, (1, 1), (2, 2), (2, 2), true)
    });
    v.push(Case {
        channel_last: true,
        ..case(0, 32, (15, 16), 3, (2, 2), (0, 0), (1, 1), true)
    });
    v
}

fn build(
    case: &Case,
    input_shape: &[usize],
    kernel: &[f32],
    bias: &[f32],
) -> TractResult<TypedModel> {
    let (c, (kh, kw)) = (case.c, case.k);
    let mut m = TypedModel::default();
    let x = m.add_source("x", f32::fact(input_shape))?;
    let k = m.add_const("k", Tensor::from_shape(&[c, 1, kh, kw], kernel)?)?;
    let b = m.add_const("b", Tensor::from_shape(&[c], bias)?)?;
    let pool_spec = PoolSpec {
        data_format: match (case.n, case.channel_last) {
            (0, false) => DataFormat::CHW,
            (_, false) => DataFormat::NCHW,
            (0, true) => DataFormat::HWC,
            (_, true) => DataFormat::NHWC,
        },
        kernel_shape: tvec!(kh, kw),
        padding: PaddingSpec::Explicit(
            tvec!(case.pad_before.0, case.pad_before.1),
            tvec!(case.pad_after.0, case.pad_after.1),
        ),
        dilations: None,
        strides: Some(tvec!(case.stride.0, case.stride.1)),
        input_channels: c,
        output_channels: c,
    };
    let conv = Conv {
        pool_spec,
        kernel_fmt: KernelFormat::OIHW,
        group: c,
        q_params: None,
    };
    let mut y = m.wire_node("dw", conv, &[x, k, b])?[0];
    if case.clamp {
        y = wire_relu6(&mut m, y)?;
    }
    m.select_output_outlets(&[y])?;
    Ok(m)
}

/// Runs one case with tract's operators and with ours.
pub fn check(case: &Case) -> TractResult<Outcome> {
    let (c, (kh, kw)) = (case.c, case.k);
    let n = case.n.max(1);
    let (h, w) = (case.h, case.w);
    let mut input_shape: Vec<usize> = if case.channel_last {
        vec![h, w, c]
    } else {
        vec![c, h, w]
    };
    if case.n > 0 {
        input_shape.insert(0, case.n);
    }
    // inputs around -10..10 so that the clamp binds at both ends
    let input = values(n * c * case.h * case.w, 0.3, 10.0);
    let kernel = values(c * kh * kw, 1.7, 1.0);
    let bias = values(c, 2.9, 1.0);
    // the same values, in the case's layout
    let to_last = |planes: &[f32], hw: usize| -> Vec<f32> {
        (0..planes.len())
            .map(|i| {
                let (img, rest) = (i / (hw * c), i % (hw * c));
                planes[img * hw * c + (rest % c) * hw + rest / c]
            })
            .collect()
    };
    let x_data = if case.channel_last {
        to_last(&input, h * w)
    } else {
        input.clone()
    };
    let feed = tvec!(Tensor::from_shape(&input_shape, &x_data)?.into_tvalue());
    let oh = (case.h + case.pad_before.0 + case.pad_after.0 - kh) / case.stride.0 + 1;
    let ow = (case.w + case.pad_before.1 + case.pad_after.1 - kw) / case.stride.1 + 1;
    let geo = Geometry {
        h: case.h,
        w: case.w,
        kh,
        kw,
        stride_h: case.stride.0,
        stride_w: case.stride.1,
        pad_top: case.pad_before.0,
        pad_left: case.pad_before.1,
        oh,
        ow,
    };
    let clamp = case.clamp.then_some((0.0, 6.0));
    let r = reference(&geo, &input, &kernel, &bias, clamp, c, n * c);
    let r = if case.channel_last {
        to_last(&r, oh * ow)
    } else {
        r
    };
    let model = build(case, &input_shape, &kernel, &bias)?.into_decluttered()?;
    compare(case, model, &DEPTHWISE, feed, &r)
}

/// Every case's outcome (an error names the case).
pub fn check_all() -> TractResult<Vec<Outcome>> {
    check_each(cases(), check)
}
