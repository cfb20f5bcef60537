//! A 1x1 convolution of f32 data, XNNPACK's `f32-gemm` way: the activations are read in place,
//! the weights are packed once, at load, in panels of 8 output channels (`[panel][k][8]`,
//! zero-padded), and the epilogue (bias, clamp, residual add) runs on the accumulators before
//! the one store. Input and output are each in either layout ([`Layout`]): tract's declutter
//! keeps EfficientNet's narrow tensors (the residual stream) channel-first and its expanded
//! ones channel-last, the transposes folded into the products.
//!
//! tract runs the same product as a matrix product whose packed operand is the activations
//! (`OptMatMulPack` at every run) and calls its kernel tile by tile through the fused-op list;
//! for EfficientNet's early layers (`k` of 16 to 32 over 112x112 pixels) that packing and the
//! per-tile overhead are a large part of the work.
//!
//! Tile: 4 rows x 8 output channels, 8 v128 accumulators (the tile [`super::gemm_f32`] uses, for
//! the same reason: V8 has 16 xmm registers on x86-64). Each output sums `x[r][0] * w[0][o]`,
//! then `[1]`, ..., from zero, multiply then add (fused under relaxed SIMD), then applies the
//! steps in order: the order tract's kernel sums in, so the results are tract's bit for bit.

use std::ops::Range;

/// How a tensor of `pixels x channels` lies in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Layout {
    /// channel-last: `[pixel][channel]`
    Rows,
    /// channel-first: `[channel][pixel]`
    Planes,
}

/// Where the product reads and writes: `pixels` rows, both layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Io {
    pub pixels: usize,
    pub input: Layout,
    pub output: Layout,
}

impl Io {
    /// (row stride, k stride) of the input
    fn x_strides(&self, k: usize) -> (usize, usize) {
        match self.input {
            Layout::Rows => (k, 1),
            Layout::Planes => (1, self.pixels),
        }
    }

    /// (row stride, channel stride) of the output and the residual
    fn y_strides(&self, co: usize) -> (usize, usize) {
        match self.output {
            Layout::Rows => (co, 1),
            Layout::Planes => (1, self.pixels),
        }
    }
}

/// The weights, packed: `panels` panels of `[k][8]` output channels, the last one zero-padded.
#[derive(Debug, Clone, PartialEq)]
pub struct Packed {
    pub k: usize,
    pub co: usize,
    data: Vec<f32>,
}

impl Packed {
    /// `weights[o * k + i]`: output channel `o`, input channel `i` (ONNX's `[O][I]`).
    pub fn new(weights: &[f32], co: usize, k: usize) -> Packed {
        assert_eq!(weights.len(), co * k);
        let panels = co.div_ceil(8);
        let mut data = vec![0f32; panels * k * 8];
        for o in 0..co {
            let (p, lane) = (o / 8, o % 8);
            for i in 0..k {
                data[(p * k + i) * 8 + lane] = weights[o * k + i];
            }
        }
        Packed { k, co, data }
    }

    pub fn panels(&self) -> usize {
        self.co.div_ceil(8)
    }
}

/// One step of the epilogue, applied to every output in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `+ bias[o]` (padded to whole panels)
    Bias(Vec<f32>),
    /// `max(x, v)`
    Max(f32),
    /// `min(x, v)`
    Min(f32),
    /// `+ residual[r][o]`, a tensor of the output's shape
    Residual,
}

/// Pads a per-channel vector to whole panels of 8.
pub fn padded(v: &[f32]) -> Vec<f32> {
    let mut p = v.to_vec();
    p.resize(v.len().div_ceil(8) * 8, 0.0);
    p
}

/// One product: where it reads and writes, its packed weights and epilogue, and its buffers.
/// `x` holds `io.pixels * w.k` floats, `out` (and `residual`, if a step reads it)
/// `io.pixels * w.co`.
#[derive(Clone, Copy)]
pub struct Operands<'a> {
    pub io: &'a Io,
    pub w: &'a Packed,
    pub steps: &'a [Step],
    pub x: *const f32,
    pub residual: *const f32,
    pub out: *mut f32,
}

/// The output rows (pixels) `rows` of the product, in the output channels of `panels` (of 8).
///
/// # Safety
/// The buffers are as [`Operands`] says; `rows` is within `io.pixels`, `panels` within
/// `w.panels()`; the blocks given to concurrent calls do not overlap.
pub unsafe fn pointwise(p: &Operands, rows: Range<usize>, panels: Range<usize>) {
    if rows.is_empty() {
        return;
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    unsafe {
        simd::pointwise(p, rows, panels)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    unsafe {
        portable(p, rows, panels)
    }
}

/// The same sums in the same order, one output at a time (natively, and the reference).
///
/// # Safety
/// As [`pointwise`].
#[cfg_attr(
    all(target_arch = "wasm32", target_feature = "simd128"),
    allow(dead_code)
)]
pub unsafe fn portable(p: &Operands, rows: Range<usize>, panels: Range<usize>) {
    let (io, w, steps) = (p.io, p.w, p.steps);
    let (x, residual, out) = (p.x, p.residual, p.out);
    let (k, co) = (w.k, w.co);
    let ((xr, xk), (yr, yc)) = (io.x_strides(k), io.y_strides(co));
    for r in rows {
        for o in 8 * panels.start..co.min(8 * panels.end) {
            let (p, lane) = (o / 8, o % 8);
            let mut acc = 0f32;
            for i in 0..k {
                acc += unsafe { *x.add(r * xr + i * xk) } * w.data[(p * k + i) * 8 + lane];
            }
            for s in steps {
                acc = match s {
                    Step::Bias(b) => acc + b[o],
                    Step::Max(v) => acc.max(*v),
                    Step::Min(v) => acc.min(*v),
                    Step::Residual => acc + unsafe { *residual.add(r * yr + o * yc) },
                };
            }
            unsafe { *out.add(r * yr + o * yc) = acc };
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use super::{Layout, Operands, Step};
    use std::arch::wasm32::*;
    use std::ops::Range;

    /// # Safety
    /// As [`super::pointwise`].
    pub unsafe fn pointwise(p: &Operands, rows: Range<usize>, panels: Range<usize>) {
        let (io, w, steps) = (p.io, p.w, p.steps);
        let (x, residual, out) = (p.x, p.residual, p.out);
        let (k, co) = (w.k, w.co);
        let (xr, xk) = io.x_strides(k);
        let zero = f32x4_splat(0.0);
        let mut r = rows.start;
        while r < rows.end {
            let live = (rows.end - r).min(4);
            // rows past the end repeat the last one (computed, never stored), as XNNPACK does
            let row = |i: usize| r + i.min(live - 1);
            let (a0, a1, a2, a3) = unsafe {
                (
                    x.add(row(0) * xr),
                    x.add(row(1) * xr),
                    x.add(row(2) * xr),
                    x.add(row(3) * xr),
                )
            };
            for p in panels.clone() {
                let mut wp = unsafe { w.data.as_ptr().add(p * k * 8) } as *const v128;
                let (mut c0l, mut c0h, mut c1l, mut c1h) = (zero, zero, zero, zero);
                let (mut c2l, mut c2h, mut c3l, mut c3h) = (zero, zero, zero, zero);
                // one k: the weights' two vectors at `wp + 2u`, each row's value at `$a`
                macro_rules! k_step {
                    ($u:expr, $x0:expr, $x1:expr, $x2:expr, $x3:expr) => {{
                        let (bl, bh) = (v128_load(wp.add(2 * $u)), v128_load(wp.add(2 * $u + 1)));
                        let s = v128_load32_splat($x0 as *const u32);
                        c0l = madd!(c0l, s, bl);
                        c0h = madd!(c0h, s, bh);
                        let s = v128_load32_splat($x1 as *const u32);
                        c1l = madd!(c1l, s, bl);
                        c1h = madd!(c1h, s, bh);
                        let s = v128_load32_splat($x2 as *const u32);
                        c2l = madd!(c2l, s, bl);
                        c2h = madd!(c2h, s, bh);
                        let s = v128_load32_splat($x3 as *const u32);
                        c3l = madd!(c3l, s, bl);
                        c3h = madd!(c3h, s, bh);
                    }};
                }
                unsafe {
                    if io.input == Layout::Planes && live == 4 {
                        // the 4 pixels of a k are adjacent: one pointer, constant offsets
                        let mut a = a0;
                        for _ in 0..k {
                            k_step!(0, a, a.add(1), a.add(2), a.add(3));
                            wp = wp.add(2);
                            a = a.add(xk);
                        }
                    } else {
                        let (mut a0, mut a1, mut a2, mut a3) = (a0, a1, a2, a3);
                        // (unrolling k by 4 here, at constant offsets, measured 10 % slower)
                        for _ in 0..k {
                            k_step!(0, a0, a1, a2, a3);
                            wp = wp.add(2);
                            (a0, a1, a2, a3) = (a0.add(xk), a1.add(xk), a2.add(xk), a3.add(xk));
                        }
                    }
                }
                let o = p * 8;
                let lanes = (co - o).min(8);
                let acc = [[c0l, c0h], [c1l, c1h], [c2l, c2h], [c3l, c3h]];
                unsafe {
                    match io.output {
                        Layout::Rows => {
                            epilogue_rows(acc, steps, residual, out, r, live, o, co, lanes)
                        }
                        Layout::Planes => {
                            epilogue_planes(acc, steps, residual, out, r, live, o, io.pixels, lanes)
                        }
                    }
                }
            }
            r += 4;
        }
    }

    /// Channel-last output: each accumulator row is one pixel's 8 channels.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    unsafe fn epilogue_rows(
        mut acc: [[v128; 2]; 4],
        steps: &[Step],
        residual: *const f32,
        out: *mut f32,
        r: usize,
        live: usize,
        o: usize,
        co: usize,
        lanes: usize,
    ) {
        for s in steps {
            match s {
                Step::Bias(b) => unsafe {
                    let bp = b.as_ptr().add(o) as *const v128;
                    let (bl, bh) = (v128_load(bp), v128_load(bp.add(1)));
                    for a in &mut acc {
                        a[0] = f32x4_add(a[0], bl);
                        a[1] = f32x4_add(a[1], bh);
                    }
                },
                Step::Max(v) => {
                    let s = f32x4_splat(*v);
                    for a in &mut acc {
                        a[0] = f32x4_max(s, a[0]);
                        a[1] = f32x4_max(s, a[1]);
                    }
                }
                Step::Min(v) => {
                    let s = f32x4_splat(*v);
                    for a in &mut acc {
                        a[0] = f32x4_min(s, a[0]);
                        a[1] = f32x4_min(s, a[1]);
                    }
                }
                Step::Residual => {
                    for (i, a) in acc.iter_mut().enumerate() {
                        let rp = unsafe { residual.add((r + i.min(live - 1)) * co + o) };
                        let (lo, hi) = unsafe { load8(rp, lanes) };
                        a[0] = f32x4_add(a[0], lo);
                        a[1] = f32x4_add(a[1], hi);
                    }
                }
            }
        }
        for (i, a) in acc.iter().enumerate().take(live) {
            unsafe { store8(out.add((r + i) * co + o), a[0], a[1], lanes) };
        }
    }

    /// Channel-first output: the tile transposed, each vector one channel's 4 pixels.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    unsafe fn epilogue_planes(
        acc: [[v128; 2]; 4],
        steps: &[Step],
        residual: *const f32,
        out: *mut f32,
        r: usize,
        live: usize,
        o: usize,
        pixels: usize,
        lanes: usize,
    ) {
        let (lo, hi) = (
            transpose([acc[0][0], acc[1][0], acc[2][0], acc[3][0]]),
            transpose([acc[0][1], acc[1][1], acc[2][1], acc[3][1]]),
        );
        let mut ch = [lo[0], lo[1], lo[2], lo[3], hi[0], hi[1], hi[2], hi[3]];
        for s in steps {
            match s {
                Step::Bias(b) => {
                    for (c, v) in ch.iter_mut().enumerate() {
                        *v = f32x4_add(*v, f32x4_splat(b[o + c]));
                    }
                }
                Step::Max(m) => {
                    let s = f32x4_splat(*m);
                    for v in &mut ch {
                        *v = f32x4_max(s, *v);
                    }
                }
                Step::Min(m) => {
                    let s = f32x4_splat(*m);
                    for v in &mut ch {
                        *v = f32x4_min(s, *v);
                    }
                }
                Step::Residual => {
                    for (c, v) in ch.iter_mut().enumerate().take(lanes) {
                        let rp = unsafe { residual.add((o + c) * pixels + r) };
                        *v = f32x4_add(*v, unsafe { load4(rp, live) });
                    }
                }
            }
        }
        for (c, v) in ch.iter().enumerate().take(lanes) {
            unsafe { store4(out.add((o + c) * pixels + r), *v, live) };
        }
    }

    /// A 4x4 transpose: `m[i]` lane `j` becomes lane `i` of the `j`th vector.
    #[inline(always)]
    fn transpose(m: [v128; 4]) -> [v128; 4] {
        let t0 = i32x4_shuffle::<0, 4, 1, 5>(m[0], m[1]);
        let t1 = i32x4_shuffle::<2, 6, 3, 7>(m[0], m[1]);
        let t2 = i32x4_shuffle::<0, 4, 1, 5>(m[2], m[3]);
        let t3 = i32x4_shuffle::<2, 6, 3, 7>(m[2], m[3]);
        [
            i64x2_shuffle::<0, 2>(t0, t2),
            i64x2_shuffle::<1, 3>(t0, t2),
            i64x2_shuffle::<0, 2>(t1, t3),
            i64x2_shuffle::<1, 3>(t1, t3),
        ]
    }

    /// Loads `n` (1..=4) floats, zeros past them.
    #[inline(always)]
    unsafe fn load4(p: *const f32, n: usize) -> v128 {
        unsafe {
            if n == 4 {
                v128_load(p as *const v128)
            } else {
                let mut t = [0f32; 4];
                std::ptr::copy_nonoverlapping(p, t.as_mut_ptr(), n);
                v128_load(t.as_ptr() as *const v128)
            }
        }
    }

    #[inline(always)]
    unsafe fn store4(p: *mut f32, v: v128, n: usize) {
        unsafe {
            if n == 4 {
                v128_store(p as *mut v128, v);
            } else {
                let mut t = [0f32; 4];
                v128_store(t.as_mut_ptr() as *mut v128, v);
                std::ptr::copy_nonoverlapping(t.as_ptr(), p, n);
            }
        }
    }

    /// Loads `lanes` (1..=8) floats, zeros past them: a partial panel never reads past its row.
    #[inline(always)]
    unsafe fn load8(p: *const f32, lanes: usize) -> (v128, v128) {
        unsafe {
            if lanes == 8 {
                (
                    v128_load(p as *const v128),
                    v128_load(p.add(4) as *const v128),
                )
            } else {
                let mut t = [0f32; 8];
                std::ptr::copy_nonoverlapping(p, t.as_mut_ptr(), lanes);
                (
                    v128_load(t.as_ptr() as *const v128),
                    v128_load(t.as_ptr().add(4) as *const v128),
                )
            }
        }
    }

    #[inline(always)]
    unsafe fn store8(p: *mut f32, lo: v128, hi: v128, lanes: usize) {
        unsafe {
            if lanes == 8 {
                v128_store(p as *mut v128, lo);
                v128_store(p.add(4) as *mut v128, hi);
            } else {
                let mut t = [0f32; 8];
                v128_store(t.as_mut_ptr() as *mut v128, lo);
                v128_store(t.as_mut_ptr().add(4) as *mut v128, hi);
                std::ptr::copy_nonoverlapping(t.as_ptr(), p, lanes);
            }
        }
    }
}
