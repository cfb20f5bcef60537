//! An f32 depthwise convolution over NCHW planes, bias and an optional min/max clamp fused.
//!
//! tract's `DepthWise` walks each channel's plane zone by zone (interior, then every border
//! strip): its wasm kernel vectorises only the stride-1 interior, the borders and every stride-2
//! row run scalar, and a separate pass then clamps the output (ReLU6). Here, as in XNNPACK's
//! CHW depthwise kernels (`f32-dwconv2d-chw`), one loop covers the whole plane:
//!
//! - each channel's input plane is first copied into a zero-padded scratch plane (per thread,
//!   L1/L2-sized), so every tap of every output is an in-bounds load and borders need no code
//!   of their own. A horizontal stride `s` is deinterleaved during that copy into `s` phases
//!   (phase `p` holds padded columns `p, p + s, ...`), so that four adjacent outputs read four
//!   adjacent floats for every tap: a stride-2 row vectorises like a stride-1 one.
//! - outputs are computed by tiles of up to 8 vectors of 4 (R rows x V vectors of a row), the
//!   bias splatted into the accumulators, one broadcast weight per tap, and the clamp applied
//!   before the store: eight independent add chains, the loads of a row sharing one address.
//!
//! Summation order is tract's: `bias + k0*x0 + k1*x1 + ...` in kernel row-major order, each a
//! multiply then an add (fused multiply-adds under relaxed SIMD only). The padding taps add
//! `k * 0.0`, which leaves any sum unchanged, so the result is tract's bit for bit.
//!
//! The vector type is wasm SIMD128 on wasm32, SSE on x86-64 (the native CLI) and `[f32; 4]`
//! elsewhere: one kernel source for all.

use std::cell::RefCell;

/// Four f32 lanes (`V`): the operations the kernel needs.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod v4 {
    use std::arch::wasm32::*;

    #[derive(Clone, Copy)]
    pub struct V(v128);

    #[inline(always)]
    pub fn splat(x: f32) -> V {
        V(f32x4_splat(x))
    }
    /// # Safety
    /// four floats readable at `p`.
    #[inline(always)]
    pub unsafe fn load(p: *const f32) -> V {
        V(unsafe { v128_load(p as *const v128) })
    }
    /// # Safety
    /// one float readable at `p`.
    #[inline(always)]
    pub unsafe fn load_splat(p: *const f32) -> V {
        V(unsafe { v128_load32_splat(p as *const u32) })
    }
    /// # Safety
    /// four floats writable at `p`.
    #[inline(always)]
    pub unsafe fn store(p: *mut f32, v: V) {
        unsafe { v128_store(p as *mut v128, v.0) }
    }
    /// `acc + a * b`: fused under relaxed SIMD, as tract's and our GEMM kernels.
    #[inline(always)]
    pub fn madd(acc: V, a: V, b: V) -> V {
        #[cfg(target_feature = "relaxed-simd")]
        let r = f32x4_relaxed_madd(a.0, b.0, acc.0);
        #[cfg(not(target_feature = "relaxed-simd"))]
        let r = f32x4_add(acc.0, f32x4_mul(a.0, b.0));
        V(r)
    }
    #[inline(always)]
    pub fn clamp(x: V, lo: V, hi: V) -> V {
        V(f32x4_min(f32x4_max(x.0, lo.0), hi.0))
    }
    #[inline(always)]
    pub fn lanes(v: V) -> [f32; 4] {
        unsafe { std::mem::transmute::<v128, [f32; 4]>(v.0) }
    }
    /// The even and the odd lanes of `a` then `b`.
    #[inline(always)]
    pub fn deinterleave(a: V, b: V) -> (V, V) {
        (
            V(i32x4_shuffle::<0, 2, 4, 6>(a.0, b.0)),
            V(i32x4_shuffle::<1, 3, 5, 7>(a.0, b.0)),
        )
    }
}

/// The same with SSE (x86-64's baseline), for the native CLI.
#[cfg(target_arch = "x86_64")]
mod v4 {
    use std::arch::x86_64::*;

    #[derive(Clone, Copy)]
    pub struct V(__m128);

    #[inline(always)]
    pub fn splat(x: f32) -> V {
        V(unsafe { _mm_set1_ps(x) })
    }
    /// # Safety
    /// four floats readable at `p`.
    #[inline(always)]
    pub unsafe fn load(p: *const f32) -> V {
        V(unsafe { _mm_loadu_ps(p) })
    }
    /// # Safety
    /// one float readable at `p`.
    #[inline(always)]
    pub unsafe fn load_splat(p: *const f32) -> V {
        V(unsafe { _mm_load1_ps(p) })
    }
    /// # Safety
    /// four floats writable at `p`.
    #[inline(always)]
    pub unsafe fn store(p: *mut f32, v: V) {
        unsafe { _mm_storeu_ps(p, v.0) }
    }
    #[inline(always)]
    pub fn madd(acc: V, a: V, b: V) -> V {
        V(unsafe { _mm_add_ps(acc.0, _mm_mul_ps(a.0, b.0)) })
    }
    #[inline(always)]
    pub fn clamp(x: V, lo: V, hi: V) -> V {
        V(unsafe { _mm_min_ps(_mm_max_ps(x.0, lo.0), hi.0) })
    }
    #[inline(always)]
    pub fn lanes(v: V) -> [f32; 4] {
        unsafe { std::mem::transmute::<__m128, [f32; 4]>(v.0) }
    }
    #[inline(always)]
    pub fn deinterleave(a: V, b: V) -> (V, V) {
        unsafe {
            (
                V(_mm_shuffle_ps::<0b10_00_10_00>(a.0, b.0)),
                V(_mm_shuffle_ps::<0b11_01_11_01>(a.0, b.0)),
            )
        }
    }
}

/// The same on plain arrays, for other targets (LLVM vectorises them).
#[cfg(not(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    target_arch = "x86_64"
)))]
mod v4 {
    #[derive(Clone, Copy)]
    pub struct V([f32; 4]);

    #[inline(always)]
    pub fn splat(x: f32) -> V {
        V([x; 4])
    }
    /// # Safety
    /// four floats readable at `p`.
    #[inline(always)]
    pub unsafe fn load(p: *const f32) -> V {
        V(unsafe { (p as *const [f32; 4]).read_unaligned() })
    }
    /// # Safety
    /// one float readable at `p`.
    #[inline(always)]
    pub unsafe fn load_splat(p: *const f32) -> V {
        splat(unsafe { *p })
    }
    /// # Safety
    /// four floats writable at `p`.
    #[inline(always)]
    pub unsafe fn store(p: *mut f32, v: V) {
        unsafe { (p as *mut [f32; 4]).write_unaligned(v.0) }
    }
    #[inline(always)]
    pub fn madd(acc: V, a: V, b: V) -> V {
        V(std::array::from_fn(|i| acc.0[i] + a.0[i] * b.0[i]))
    }
    /// `min(max(x, lo), hi)` lane by lane, as tract's `Max` then `Min` compute it (NaN
    /// aside: written as comparisons, which compile to SSE's `maxps`/`minps`).
    #[inline(always)]
    pub fn clamp(x: V, lo: V, hi: V) -> V {
        V(std::array::from_fn(|i| {
            let x = if x.0[i] < lo.0[i] { lo.0[i] } else { x.0[i] };
            if x > hi.0[i] {
                hi.0[i]
            } else {
                x
            }
        }))
    }
    #[inline(always)]
    pub fn lanes(v: V) -> [f32; 4] {
        v.0
    }
    #[inline(always)]
    pub fn deinterleave(a: V, b: V) -> (V, V) {
        let (a, b) = (a.0, b.0);
        (V([a[0], a[2], b[0], b[2]]), V([a[1], a[3], b[1], b[3]]))
    }
}

/// One depthwise convolution's shape: a `h x w` input plane per channel, a `kh x kw` kernel,
/// strides, the padding before each axis (the padding after follows from the output size),
/// dilation 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Geometry {
    pub h: usize,
    pub w: usize,
    pub kh: usize,
    pub kw: usize,
    pub stride_h: usize,
    pub stride_w: usize,
    pub pad_top: usize,
    pub pad_left: usize,
    pub oh: usize,
    pub ow: usize,
}

/// The scratch plane's layout for a geometry, and each tap's offset in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Plan {
    pub geo: Geometry,
    /// vectors of 4 per output row
    vectors: usize,
    /// floats per phase of a padded row (`stride_w` phases per row)
    phase: usize,
    /// floats per padded row
    row: usize,
    /// padded rows read
    rows: usize,
    /// per tap (kernel row-major), its offset from the output's top-left tap
    offsets: Vec<usize>,
}

impl Plan {
    pub fn new(geo: Geometry) -> Plan {
        assert!(geo.kh > 0 && geo.kw > 0 && geo.stride_h > 0 && geo.stride_w > 0);
        assert!(geo.oh > 0 && geo.ow > 0);
        let vectors = geo.ow.div_ceil(4);
        // a vector of outputs starting at column 4j reads phase entries 4j .. 4j + 3 + (kw-1)/s
        let phase = (4 * vectors + (geo.kw - 1) / geo.stride_w).next_multiple_of(4);
        let row = phase * geo.stride_w;
        let rows = (geo.oh - 1) * geo.stride_h + geo.kh;
        let offsets = (0..geo.kh)
            .flat_map(|ky| {
                (0..geo.kw)
                    .map(move |kx| ky * row + (kx % geo.stride_w) * phase + kx / geo.stride_w)
            })
            .collect();
        Plan {
            geo,
            vectors,
            phase,
            row,
            rows,
            offsets,
        }
    }

    /// Floats of scratch one plane needs.
    fn scratch_len(&self) -> usize {
        self.rows * self.row
    }

    /// Multiply-adds per plane, to decide whether splitting across threads pays.
    pub fn macs_per_plane(&self) -> usize {
        self.geo.oh * self.geo.ow * self.geo.kh * self.geo.kw
    }
}

thread_local! {
    static SCRATCH: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Convolves planes `planes` of `input` (`[planes][h][w]`, row-major) into `output`
/// (`[planes][oh][ow]`). Plane `p` uses channel `p % channels`'s `kh * kw` weights (row-major,
/// at `weights[c * kh * kw..]`) and bias `bias[c]`; `clamp` is `(min, max)` applied to every
/// output as `min(max(x, lo), hi)`.
///
/// # Safety
/// `input` holds `planes.end * h * w` floats, `output` `planes.end * oh * ow` (of which only
/// the given planes are written, so disjoint ranges may run on different threads), `weights`
/// `channels * kh * kw` and `bias` `channels`.
#[allow(clippy::too_many_arguments)]
pub unsafe fn dwconv(
    plan: &Plan,
    input: *const f32,
    weights: *const f32,
    bias: *const f32,
    clamp: Option<(f32, f32)>,
    output: *mut f32,
    channels: usize,
    planes: std::ops::Range<usize>,
) {
    let g = plan.geo;
    SCRATCH.with_borrow_mut(|scratch| {
        // the stride>1 copy goes through one padded row after the plane
        let need = plan.scratch_len() + plan.row + 4;
        if scratch.len() < need {
            scratch.resize(need, 0.0);
        }
        let (plane_buf, row_buf) = scratch.split_at_mut(plan.scratch_len());
        for p in planes {
            let c = p % channels;
            unsafe {
                fill(plan, input.add(p * g.h * g.w), plane_buf, row_buf);
                let taps = g.kh * g.kw;
                compute(
                    plan,
                    plane_buf.as_ptr(),
                    weights.add(c * taps),
                    *bias.add(c),
                    clamp,
                    output.add(p * g.oh * g.ow),
                );
            }
        }
    })
}

/// Copies one input plane into the zero-padded (and, for a horizontal stride, deinterleaved)
/// scratch plane.
///
/// # Safety
/// `src` holds `h * w` floats.
unsafe fn fill(plan: &Plan, src: *const f32, dst: &mut [f32], row_buf: &mut [f32]) {
    let g = plan.geo;
    let s = g.stride_w;
    for r in 0..plan.rows {
        let out = &mut dst[r * plan.row..(r + 1) * plan.row];
        let Some(iy) = r.checked_sub(g.pad_top).filter(|iy| *iy < g.h) else {
            out.fill(0.0);
            continue;
        };
        let src = unsafe { std::slice::from_raw_parts(src.add(iy * g.w), g.w) };
        if s == 1 {
            padded_row(src, g.pad_left, out);
        } else if s == 2 {
            // from the source straight when the padding before is even, through a padded row
            // otherwise; plan.phase is a multiple of 4: whole vectors
            let (even, odd) = out.split_at_mut(plan.phase);
            let (from, skip) = if g.pad_left.is_multiple_of(2) {
                (src, g.pad_left / 2)
            } else {
                padded_row(src, g.pad_left, &mut row_buf[..plan.row]);
                (&row_buf[..plan.row], 0)
            };
            even[..skip].fill(0.0);
            odd[..skip].fill(0.0);
            let pairs = from.len() / 2;
            let n = pairs.min(plan.phase - skip);
            let mut j = 0;
            while j + 4 <= n {
                unsafe {
                    let a = v4::load(from.as_ptr().add(2 * j));
                    let b = v4::load(from.as_ptr().add(2 * j + 4));
                    let (e, o) = v4::deinterleave(a, b);
                    v4::store(even.as_mut_ptr().add(skip + j), e);
                    v4::store(odd.as_mut_ptr().add(skip + j), o);
                }
                j += 4;
            }
            for j in j..n {
                even[skip + j] = from[2 * j];
                odd[skip + j] = from[2 * j + 1];
            }
            let mut end = skip + n;
            // an odd-length row's last column is an even one
            if from.len() % 2 == 1 && end < plan.phase {
                even[end] = from[from.len() - 1];
                odd[end] = 0.0;
                end += 1;
            }
            even[end..].fill(0.0);
            odd[end..].fill(0.0);
        } else {
            let padded = &mut row_buf[..plan.row];
            padded_row(src, g.pad_left, padded);
            for (i, x) in padded.iter().enumerate() {
                out[(i % s) * plan.phase + i / s] = *x;
            }
        }
    }
}

/// `out` = `pad` zeros, then as much of `src` as fits, then zeros: a vector loop, as the rows
/// are short (7 to 112 floats here) for a call to `memcpy`.
#[inline(always)]
fn padded_row(src: &[f32], pad: usize, out: &mut [f32]) {
    let pad = pad.min(out.len());
    let n = src.len().min(out.len() - pad);
    for x in &mut out[..pad] {
        *x = 0.0;
    }
    let mut i = 0;
    while i + 4 <= n {
        unsafe { v4::store(out.as_mut_ptr().add(pad + i), v4::load(src.as_ptr().add(i))) };
        i += 4;
    }
    // at most 3 floats: a loop, not a call to memcpy
    #[allow(clippy::manual_memcpy)]
    for i in i..n {
        out[pad + i] = src[i];
    }
    for x in &mut out[pad + n..] {
        *x = 0.0;
    }
}

/// Computes one plane from its scratch copy, by tiles of R rows x V vectors.
///
/// # Safety
/// `scratch` is a filled scratch plane of `plan`, `w` holds the channel's taps, `out` `oh * ow`
/// writable floats.
unsafe fn compute(
    plan: &Plan,
    scratch: *const f32,
    w: *const f32,
    bias: f32,
    clamp: Option<(f32, f32)>,
    out: *mut f32,
) {
    let g = plan.geo;
    // the row's vectors in near-equal groups of at most 4: 14 -> 4 4 3 3, 7 -> 4 3
    let groups = plan.vectors.div_ceil(4);
    let (base, extra) = (plan.vectors / groups, plan.vectors % groups);
    let (lo, hi) = clamp.unwrap_or((f32::NEG_INFINITY, f32::INFINITY));
    let mut j0 = 0;
    for gi in 0..groups {
        let v = base + usize::from(gi < extra);
        let t = Tile {
            src: unsafe { scratch.add(4 * j0) },
            row_step: g.stride_h * plan.row,
            offsets: &plan.offsets,
            w,
            bias,
            clamp: clamp.is_some(),
            lo,
            hi,
            dst: unsafe { out.add(4 * j0) },
            ow: g.ow,
            // lanes of the group's last vector that are real outputs
            last: (g.ow - 4 * (j0 + v - 1)).min(4),
        };
        // as many rows at once as keep 8 accumulators (at most 4 rows), then the rest
        unsafe {
            match v {
                1 => t.rows::<4, 1>(g.oh),
                2 => t.rows::<4, 2>(g.oh),
                3 => t.rows::<2, 3>(g.oh),
                _ => t.rows::<2, 4>(g.oh),
            }
        }
        j0 += v;
    }
}

#[derive(Clone, Copy)]
struct Tile<'a> {
    /// the group's first output's top-left tap in the scratch plane
    src: *const f32,
    /// scratch floats from one output row to the next
    row_step: usize,
    offsets: &'a [usize],
    w: *const f32,
    bias: f32,
    clamp: bool,
    lo: f32,
    hi: f32,
    /// the group's first output
    dst: *mut f32,
    ow: usize,
    /// real lanes of each row's last vector
    last: usize,
}

impl Tile<'_> {
    /// Output rows `0..oh` of a column group of V vectors, R rows at a time, then the rest.
    #[inline(never)]
    unsafe fn rows<const R: usize, const V: usize>(self, oh: usize) {
        let mut oy = 0;
        unsafe {
            while oy + R <= oh {
                self.run::<R, V>(oy);
                oy += R;
            }
            // at most 3 rows left
            if oy + 2 <= oh && R > 2 {
                self.run::<2, V>(oy);
                oy += 2;
            }
            if oy < oh {
                self.run::<1, V>(oy);
            }
        }
    }

    /// R rows x V vectors from output row `oy`: R * V independent accumulators, one broadcast
    /// weight per tap.
    #[inline(always)]
    unsafe fn run<const R: usize, const V: usize>(&self, oy: usize) {
        unsafe {
            let src = self.src.add(oy * self.row_step);
            let mut acc = [[v4::splat(self.bias); V]; R];
            for (t, off) in self.offsets.iter().enumerate() {
                let k = v4::load_splat(self.w.add(t));
                for (r, acc) in acc.iter_mut().enumerate() {
                    let p = src.add(r * self.row_step + off);
                    for (v, a) in acc.iter_mut().enumerate() {
                        *a = v4::madd(*a, v4::load(p.add(4 * v)), k);
                    }
                }
            }
            if self.clamp {
                let (lo, hi) = (v4::splat(self.lo), v4::splat(self.hi));
                for a in acc.iter_mut().flatten() {
                    *a = v4::clamp(*a, lo, hi);
                }
            }
            for (r, acc) in acc.iter().enumerate() {
                let p = self.dst.add((oy + r) * self.ow);
                for (v, a) in acc.iter().enumerate() {
                    if v + 1 < V || self.last == 4 {
                        v4::store(p.add(4 * v), *a);
                    } else {
                        let lanes = v4::lanes(*a);
                        std::ptr::copy_nonoverlapping(lanes.as_ptr(), p.add(4 * v), self.last);
                    }
                }
            }
        }
    }
}

/// The plain definition, for tests: every output the bias plus every in-bounds tap, in kernel
/// row-major order, then the clamp.
#[allow(clippy::too_many_arguments)]
pub fn reference(
    geo: &Geometry,
    input: &[f32],
    weights: &[f32],
    bias: &[f32],
    clamp: Option<(f32, f32)>,
    channels: usize,
    planes: usize,
) -> Vec<f32> {
    let g = geo;
    let mut out = vec![0.0; planes * g.oh * g.ow];
    for p in 0..planes {
        let c = p % channels;
        for oy in 0..g.oh {
            for ox in 0..g.ow {
                let mut sum = bias[c];
                for ky in 0..g.kh {
                    for kx in 0..g.kw {
                        let iy = (oy * g.stride_h + ky).checked_sub(g.pad_top);
                        let ix = (ox * g.stride_w + kx).checked_sub(g.pad_left);
                        if let (Some(iy), Some(ix)) = (iy, ix) {
                            if iy < g.h && ix < g.w {
                                let k = weights[(c * g.kh + ky) * g.kw + kx];
                                sum += k * input[(p * g.h + iy) * g.w + ix];
                            }
                        }
                    }
                }
                if let Some((lo, hi)) = clamp {
                    sum = sum.max(lo).min(hi);
                }
                out[(p * g.oh + oy) * g.ow + ox] = sum;
            }
        }
    }
    out
}

/// The channel-last (`[h][w][C]`) form, XNNPACK's own (`f32-dwconv`): vectors run over channels,
/// so no plane is copied and the border needs no padding, only shorter tap lists. Tract turns
/// depthwise convolutions channel-last in wasm; natively they stay NCHW ([`dwconv`]).
/// Output pixels x vectors of 4 channels per tile of the inside columns: 2 x 4 measured best in
/// V8 (Lite0's shapes; 2.25 ms for six of them against 2.35-2.61 for 2x2, 3x2, 4x1, 4x2, 1x4, 1x8).
const PIXELS: usize = 2;
const VECTORS: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlanHwc {
    pub geo: Geometry,
    pub channels: usize,
    /// output columns whose taps are all inside the input row: `x_lo..x_hi`
    x_lo: usize,
    x_hi: usize,
}

impl PlanHwc {
    pub fn new(geo: Geometry, channels: usize) -> PlanHwc {
        assert!(geo.kh > 0 && geo.kw > 0 && geo.stride_h > 0 && geo.stride_w > 0 && channels > 0);
        let inside = |ox: usize| {
            ox * geo.stride_w >= geo.pad_left && ox * geo.stride_w + geo.kw <= geo.pad_left + geo.w
        };
        let x_lo = (0..geo.ow).find(|ox| inside(*ox)).unwrap_or(geo.ow);
        let x_hi = (x_lo..geo.ow).find(|ox| !inside(*ox)).unwrap_or(geo.ow);
        PlanHwc {
            geo,
            channels,
            x_lo,
            x_hi,
        }
    }

    /// Multiply-adds per output row.
    pub fn macs_per_row(&self) -> usize {
        self.geo.ow * self.geo.kh * self.geo.kw * self.channels
    }
}

/// Convolves output rows `rows` of one channel-last image: `input` `[h][w][C]`, `output`
/// `[oh][ow][C]`, `weights` tap-major (`[kh * kw][C]`), `bias` `[C]`, `clamp` as in
/// [`dwconv`]. Each output is the bias plus its in-bounds taps in kernel row-major order, each
/// a multiply then an add: tract's order (its channel-last kernel skips the same taps).
///
/// # Safety
/// The pointers hold the said sizes; only the given rows of `output` are written.
#[allow(clippy::too_many_arguments)]
pub unsafe fn dwconv_hwc(
    plan: &PlanHwc,
    input: *const f32,
    weights: *const f32,
    bias: *const f32,
    clamp: Option<(f32, f32)>,
    output: *mut f32,
    rows: std::ops::Range<usize>,
) {
    let g = plan.geo;
    let c = plan.channels;
    let (lo, hi) = clamp.unwrap_or((f32::NEG_INFINITY, f32::INFINITY));
    // (weights offset, input offset from the pixel's first tap) per tap
    let mut taps: Vec<(usize, isize)> = Vec::with_capacity(g.kh * g.kw);
    let cl = ChannelLoop {
        c,
        weights,
        bias,
        clamp: clamp.is_some(),
        lo,
        hi,
    };
    for oy in rows {
        let y0 = (oy * g.stride_h) as isize - g.pad_top as isize;
        let ky_ok = |ky: usize| (0..g.h as isize).contains(&(y0 + ky as isize));
        let out_row = unsafe { output.add(oy * g.ow * c) };
        // every column's taps: (kx range) -> list, built for the inside columns once per row
        let build = |taps: &mut Vec<(usize, isize)>, x0: isize| {
            taps.clear();
            for ky in (0..g.kh).filter(|ky| ky_ok(*ky)) {
                for kx in 0..g.kw {
                    let ix = x0 + kx as isize;
                    if (0..g.w as isize).contains(&ix) {
                        let off = ((y0 + ky as isize) * g.w as isize + ix) * c as isize;
                        taps.push(((ky * g.kw + kx) * c, off));
                    }
                }
            }
        };
        let x_of = |ox: usize| (ox * g.stride_w) as isize - g.pad_left as isize;
        for ox in (0..plan.x_lo).chain(plan.x_hi..g.ow) {
            build(&mut taps, x_of(ox));
            unsafe { cl.pixels::<1, 4>(&taps, input, 0, out_row.add(ox * c)) };
        }
        if plan.x_lo < plan.x_hi {
            // the taps of the first inside column; the next one's are `stride_w * C` further
            build(&mut taps, x_of(plan.x_lo));
            let step = g.stride_w * c;
            let mut ox = plan.x_lo;
            while ox + PIXELS <= plan.x_hi {
                let delta = ((ox - plan.x_lo) * step) as isize;
                unsafe {
                    cl.pixels::<PIXELS, VECTORS>(
                        &taps,
                        input.offset(delta),
                        step,
                        out_row.add(ox * c),
                    )
                };
                ox += PIXELS;
            }
            while ox < plan.x_hi {
                let delta = ((ox - plan.x_lo) * step) as isize;
                unsafe { cl.pixels::<1, 4>(&taps, input.offset(delta), step, out_row.add(ox * c)) };
                ox += 1;
            }
        }
    }
}

/// Output pixels, over all channels: by blocks of vectors, then 4, then one.
struct ChannelLoop {
    c: usize,
    weights: *const f32,
    bias: *const f32,
    clamp: bool,
    lo: f32,
    hi: f32,
}

impl ChannelLoop {
    #[inline(always)]
    fn clamp(&self, x: v4::V) -> v4::V {
        if self.clamp {
            v4::clamp(x, v4::splat(self.lo), v4::splat(self.hi))
        } else {
            x
        }
    }

    #[inline(always)]
    fn clamp1(&self, x: f32) -> f32 {
        if self.clamp {
            let x = if x < self.lo { self.lo } else { x };
            if x > self.hi {
                self.hi
            } else {
                x
            }
        } else {
            x
        }
    }

    /// P pixels, at `input + off + p * step`, written at `out + p * C`, channels 4V at a time:
    /// P x V accumulators, each weight vector loaded once for the P pixels.
    #[inline(never)]
    unsafe fn pixels<const P: usize, const V: usize>(
        &self,
        taps: &[(usize, isize)],
        input: *const f32,
        step: usize,
        out: *mut f32,
    ) {
        let mut ch = 0;
        unsafe {
            while ch + 4 * V <= self.c {
                let b = self.bias.add(ch);
                let bias: [v4::V; V] = std::array::from_fn(|v| v4::load(b.add(4 * v)));
                let mut acc = [bias; P];
                for &(wo, io) in taps {
                    let w = self.weights.add(wo + ch);
                    let x = input.offset(io).add(ch);
                    for v in 0..V {
                        let k = v4::load(w.add(4 * v));
                        for (p, acc) in acc.iter_mut().enumerate() {
                            acc[v] = v4::madd(acc[v], v4::load(x.add(p * step + 4 * v)), k);
                        }
                    }
                }
                for (p, acc) in acc.iter().enumerate() {
                    for (v, a) in acc.iter().enumerate() {
                        v4::store(out.add(p * self.c + ch + 4 * v), self.clamp(*a));
                    }
                }
                ch += 4 * V;
            }
            if ch < self.c {
                for p in 0..P {
                    self.tail(taps, input.add(p * step), out.add(p * self.c), ch);
                }
            }
        }
    }

    /// Channels `from..`: by 4, then one by one.
    unsafe fn tail(&self, taps: &[(usize, isize)], input: *const f32, out: *mut f32, from: usize) {
        let mut ch = from;
        unsafe {
            while ch + 4 <= self.c {
                let mut a = v4::load(self.bias.add(ch));
                for &(wo, io) in taps {
                    let k = v4::load(self.weights.add(wo + ch));
                    a = v4::madd(a, v4::load(input.offset(io).add(ch)), k);
                }
                v4::store(out.add(ch), self.clamp(a));
                ch += 4;
            }
            while ch < self.c {
                let mut s = *self.bias.add(ch);
                for &(wo, io) in taps {
                    s += *self.weights.add(wo + ch) * *input.offset(io).add(ch);
                }
                *out.add(ch) = self.clamp1(s);
                ch += 1;
            }
        }
    }
}
