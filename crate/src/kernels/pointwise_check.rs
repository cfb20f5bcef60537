//! Per-operation check of [`super::pointwise_op::PwConv`] against tract's own 1x1 convolution
//! (its `EinSum`, lowered to a matrix product) and the plain reference: each pairing of input
//! and output layout (channel-last rows, channel-first planes), row counts that fill no 4-row
//! tile (remainders 1 to 3), output channel counts that fill no panel of 8, `k` from 3 to 320,
//! a batch axis, every epilogue (none, bias, bias and ReLU6, bias and a residual add).
//!
//! In the crate rather than under `tests/` so that the wasm build runs it too
//! (`pointwiseSelfTest`): the kernel's SIMD128 path exists only there.

use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::einsum::EinSum;
use tract_onnx::tract_core::ops::math::add;

use super::check::{check_each, compare, values, wire_relu6};
use super::pointwise_f32::{padded, portable, Io, Layout, Operands, Packed, Step};
use super::pointwise_op::POINTWISE;

/// One case: `n` images (0: no batch axis) of `h x w` pixels, `k` channels in, `co` out.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Case {
    pub n: usize,
    pub h: usize,
    pub w: usize,
    pub k: usize,
    pub co: usize,
    /// a nonzero bias (a zero one is no `Add` at all)
    pub bias: bool,
    /// ReLU6 after the bias
    pub clamp: bool,
    /// a residual add (of a second input) after the bias
    pub residual: bool,
    pub input: Layout,
    pub output: Layout,
    /// a batch axis of 1 in the input only (`'x'`) or the output only (`'y'`), as tract leaves
    /// the first and last products of EfficientNet
    pub unit_batch: Option<char>,
}

/// A case's outcome ([`super::check::Outcome`]).
pub type Outcome = super::check::Outcome<Case>;

#[allow(clippy::too_many_arguments)]
fn case(
    n: usize,
    (h, w): (usize, usize),
    k: usize,
    co: usize,
    bias: bool,
    clamp: bool,
    residual: bool,
) -> Case {
    Case {
        n,
        h,
        w,
        k,
        co,
        bias,
        clamp,
        residual,
        input: Layout::Rows,
        output: Layout::Rows,
        unit_batch: None,
    }
}

/// The cases: EfficientNet-Lite's shapes at small sizes, and the edges around them, each in the
/// four pairings of layouts.
pub fn cases() -> Vec<Case> {
    let base = [
        // an expansion (k 16 -> 96) with ReLU6, 143 rows (3 past the last whole tile)
        case(0, (13, 11), 16, 96, true, true, false),
        // a projection with its residual add, 49 rows (1 past)
        case(0, (7, 7), 96, 24, true, false, true),
        // the head, wide: k 320 -> 1280
        case(0, (7, 7), 320, 1280, true, true, false),
        // channel counts that fill no panel (5, 13), tiny k, 2 rows past
        case(0, (3, 6), 3, 5, true, true, false),
        case(0, (5, 5), 7, 13, true, false, true),
        // no bias, no epilogue; two rows only
        case(0, (2, 1), 16, 24, false, false, false),
        case(0, (4, 4), 24, 16, false, true, false),
        // a batch of two images
        case(2, (5, 3), 40, 8, true, true, false),
        case(2, (6, 6), 32, 16, true, false, true),
    ];
    let mut v = vec![];
    for input in [Layout::Rows, Layout::Planes] {
        for output in [Layout::Rows, Layout::Planes] {
            // a batch of channel-first images is not one matrix: it stays tract's
            let plain = input == Layout::Rows && output == Layout::Rows;
            v.extend(base.iter().filter(|c| c.n == 0 || plain).map(|c| Case {
                input,
                output,
                ..c.clone()
            }));
        }
    }
    for (input, output, unit) in [
        (Layout::Planes, Layout::Planes, 'x'),
        (Layout::Planes, Layout::Planes, 'y'),
        (Layout::Rows, Layout::Planes, 'x'),
        (Layout::Planes, Layout::Rows, 'y'),
    ] {
        v.push(Case {
            input,
            output,
            unit_batch: Some(unit),
            ..case(0, (6, 5), 32, 16, true, true, false)
        });
    }
    v
}

/// A tensor of `c` channels in `layout`, its axes' letters for the einsum (`p` the channels').
fn shape(case: &Case, c: usize, layout: Layout, p: char) -> (Vec<usize>, String) {
    let (mut s, mut axes) = match layout {
        Layout::Rows => (vec![case.h, case.w, c], format!("hw{p}")),
        Layout::Planes => (vec![c, case.h, case.w], format!("{p}hw")),
    };
    let unit =
        (p == 'i' && case.unit_batch == Some('x')) || (p == 'o' && case.unit_batch == Some('y'));
    if case.n > 0 || unit {
        s.insert(0, case.n.max(1));
        axes.insert(0, if unit { 'u' } else { 'n' });
    }
    (s, axes)
}

/// As tract's declutter leaves a 1x1 `Conv` (then `Clip`, then a residual `Add`): an `EinSum`
/// and element-wise operators by constants of the output's rank.
fn build(case: &Case, weights: &[f32], bias: &[f32]) -> TractResult<TypedModel> {
    let mut m = TypedModel::default();
    let (xs, xa) = shape(case, case.k, case.input, 'i');
    let (ys, ya) = shape(case, case.co, case.output, 'o');
    let x = m.add_source("x", f32::fact(&xs))?;
    let k = m.add_const("k", Tensor::from_shape(&[case.co, case.k], weights)?)?;
    let op = EinSum {
        axes: format!("{xa},oi->{ya}").parse()?,
        operating_dt: f32::datum_type(),
        q_params: None,
    };
    let mut y = m.wire_node("pw", op, &[x, k])?[0];
    let o_axis = ya.find('o').expect("o is in the output");
    if case.bias {
        let mut dims = vec![1; ys.len()];
        dims[o_axis] = case.co;
        let b = m.add_const("b", Tensor::from_shape(&dims, bias)?)?;
        y = m.wire_node("bias", add(), &[y, b])?[0];
    }
    if case.clamp {
        y = wire_relu6(&mut m, y)?;
    }
    if case.residual {
        let r = m.add_source("r", f32::fact(&ys))?;
        y = m.wire_node("residual", add(), &[r, y])?[0];
    }
    m.select_output_outlets(&[y])?;
    Ok(m)
}

/// Runs one case with tract's operators and with ours.
pub fn check(case: &Case) -> TractResult<Outcome> {
    let rows = case.n.max(1) * case.h * case.w;
    let (k, co) = (case.k, case.co);
    // inputs around -4..4 so that the clamp binds at both ends
    let input = values(rows * k, 0.3, 4.0);
    let weights = values(co * k, 1.7, 1.0);
    let bias = if case.bias {
        values(co, 2.9, 1.0)
    } else {
        vec![0.0; co]
    };
    let res = values(rows * co, 4.1, 2.0);
    let (xs, ys) = (
        shape(case, k, case.input, 'i').0,
        shape(case, co, case.output, 'o').0,
    );
    // each buffer is the layout's memory order (the reference reads it with its strides)
    let mut feed = tvec!(Tensor::from_shape(&xs, &input)?.into_tvalue());
    if case.residual {
        feed.push(Tensor::from_shape(&ys, &res)?.into_tvalue());
    }
    // the reference: the same sums in the same order, one output at a time
    let mut steps = vec![];
    if case.bias {
        steps.push(Step::Bias(padded(&bias)));
    }
    if case.clamp {
        steps.extend([Step::Max(0.0), Step::Min(6.0)]);
    }
    if case.residual {
        steps.push(Step::Residual);
    }
    let mut r = vec![0f32; rows * co];
    let io = Io {
        pixels: case.h * case.w,
        input: case.input,
        output: case.output,
    };
    // image by image: the batch axis comes first in both layouts
    let packed = Packed::new(&weights, co, k);
    for img in 0..case.n.max(1) {
        let (xo, yo) = (img * io.pixels * k, img * io.pixels * co);
        unsafe {
            let operands = Operands {
                io: &io,
                w: &packed,
                steps: &steps,
                x: input.as_ptr().add(xo),
                residual: res.as_ptr().add(yo),
                out: r.as_mut_ptr().add(yo),
            };
            portable(&operands, 0..io.pixels, 0..co.div_ceil(8))
        };
    }
    let model = build(case, &weights, &bias)?.into_decluttered()?;
    compare(case, model, &POINTWISE, feed, &r)
}

/// Every case's outcome (an error names the case).
pub fn check_all() -> TractResult<Vec<Outcome>> {
    check_each(cases(), check)
}
