//! Reduced-size planes -> RGBA: libjpeg-turbo's upsampling (jdsample.c: the triangle "fancy"
//! filters when the reduced IDCT is larger than 1x1, box replication otherwise) and its
//! YCbCr -> RGB fixed-point conversion (jdcolor.c).

use super::jpeg::{Component, Frame};
use super::JpegError;
use std::borrow::Cow;

/// A component at the output size, rows `stride` apart.
struct Full<'a> {
    px: Cow<'a, [u8]>,
    stride: usize,
}

pub fn to_rgba(f: &Frame, ow: usize, oh: usize) -> Result<Vec<u8>, JpegError> {
    let full: Vec<Full> = f
        .comps
        .iter()
        .map(|c| upsample(f, c, ow, oh))
        .collect::<Result<_, _>>()?;
    let mut out = vec![255u8; ow * oh * 4];
    if full.len() == 1 {
        let y = &full[0];
        for (row, dst) in out.chunks_exact_mut(ow * 4).enumerate() {
            let src = &y.px[row * y.stride..row * y.stride + ow];
            for (d, &v) in dst.chunks_exact_mut(4).zip(src) {
                d[..3].fill(v);
            }
        }
        return Ok(out);
    }
    const ONE_HALF: i32 = 1 << 15;
    // FIX(x) = (x * 65536 + 0.5) as in jdcolor.c
    const CR_R: i32 = 91881;
    const CB_B: i32 = 116130;
    const CR_G: i32 = 46802;
    const CB_G: i32 = 22554;
    let (y, cb, cr) = (&full[0], &full[1], &full[2]);
    for (row, dst) in out.chunks_exact_mut(ow * 4).enumerate() {
        let ys = &y.px[row * y.stride..][..ow];
        let cbs = &cb.px[row * cb.stride..][..ow];
        let crs = &cr.px[row * cr.stride..][..ow];
        for (i, d) in dst.chunks_exact_mut(4).enumerate() {
            let (l, b, r) = (ys[i] as i32, cbs[i] as i32 - 128, crs[i] as i32 - 128);
            d[0] = (l + ((CR_R * r + ONE_HALF) >> 16)).clamp(0, 255) as u8;
            d[1] = (l + ((-CB_G * b + ONE_HALF - CR_G * r) >> 16)).clamp(0, 255) as u8;
            d[2] = (l + ((CB_B * b + ONE_HALF) >> 16)).clamp(0, 255) as u8;
        }
    }
    Ok(out)
}

fn upsample<'a>(f: &Frame, c: &'a Component, ow: usize, oh: usize) -> Result<Full<'a>, JpegError> {
    let stride = c.bwp * c.m;
    let (h_in, v_in) = (c.h * c.m / f.m, c.v * c.m / f.m);
    let (h_out, v_out) = (f.hmax, f.vmax);
    // jdsample.c: jdmainct.c has no context rows for 1x1 IDCTs, so no triangle filter then
    let fancy = f.m > 1;
    let p = &c.plane;
    if h_in == h_out && v_in == v_out {
        return Ok(Full {
            px: Cow::Borrowed(p),
            stride,
        });
    }
    if h_in == 0 || v_in == 0 || h_out % h_in != 0 || v_out % v_in != 0 {
        return Err(JpegError::Unsupported("fractional sampling ratio"));
    }
    let (dw, dh) = (c.dw, c.dh);
    let ow2 = ow.max(2 * dw);
    let mut out = vec![0u8; ow2 * oh];
    let row = |r: usize| &p[r.min(dh - 1) * stride..][..dw];
    let row = &row;
    let h2 = h_in * 2 == h_out;
    let v2 = v_in * 2 == v_out;
    if fancy && h2 && v_in == v_out && dw > 2 {
        for y in 0..oh {
            h2_fancy(row(y), &mut out[y * ow2..]);
        }
    } else if fancy && h_in == h_out && v2 {
        for y in 0..oh {
            let (near, far, bias) = vertical(row, y);
            let dst = &mut out[y * ow2..][..dw];
            for i in 0..dw {
                dst[i] = ((near[i] as u32 * 3 + far[i] as u32 + bias) >> 2) as u8;
            }
        }
    } else if fancy && h2 && v2 && dw > 2 {
        let mut sums = vec![0i32; dw];
        for y in 0..oh {
            let (near, far, _) = vertical(row, y);
            for i in 0..dw {
                sums[i] = near[i] as i32 * 3 + far[i] as i32;
            }
            h2_fancy_sums(&sums, &mut out[y * ow2..]);
        }
    } else {
        let (hx, vy) = (h_out / h_in, v_out / v_in);
        for y in 0..oh {
            let src = &p[(y / vy) * stride..];
            let dst = &mut out[y * ow2..][..ow];
            for (x, d) in dst.iter_mut().enumerate() {
                *d = src[x / hx];
            }
        }
    }
    Ok(Full {
        px: Cow::Owned(out),
        stride: ow2,
    })
}

/// The rows an output row `y` of a vertical 2x triangle filter weighs (3/4, 1/4) and its
/// rounding bias: above for even rows, below for odd ones, the edge rows repeated.
fn vertical<'p>(row: impl Fn(usize) -> &'p [u8], y: usize) -> (&'p [u8], &'p [u8], u32) {
    let r = y / 2;
    if y.is_multiple_of(2) {
        (row(r), row(r.saturating_sub(1)), 1)
    } else {
        // `row` repeats the last real row below it
        (row(r), row(r + 1), 2)
    }
}

/// h2v1_fancy_upsample on one row.
fn h2_fancy(src: &[u8], dst: &mut [u8]) {
    let n = src.len();
    let v = |i: usize| src[i] as u32;
    dst[0] = src[0];
    dst[1] = ((v(0) * 3 + v(1) + 2) >> 2) as u8;
    for i in 1..n - 1 {
        let x = v(i) * 3;
        dst[2 * i] = ((x + v(i - 1) + 1) >> 2) as u8;
        dst[2 * i + 1] = ((x + v(i + 1) + 2) >> 2) as u8;
    }
    dst[2 * n - 2] = ((v(n - 1) * 3 + v(n - 2) + 1) >> 2) as u8;
    dst[2 * n - 1] = src[n - 1];
}

/// h2v2_fancy_upsample's horizontal pass over the vertical sums (3 x near + far).
fn h2_fancy_sums(s: &[i32], dst: &mut [u8]) {
    let n = s.len();
    dst[0] = ((s[0] * 4 + 8) >> 4) as u8;
    dst[1] = ((s[0] * 3 + s[1] + 7) >> 4) as u8;
    for i in 1..n - 1 {
        dst[2 * i] = ((s[i] * 3 + s[i - 1] + 8) >> 4) as u8;
        dst[2 * i + 1] = ((s[i] * 3 + s[i + 1] + 7) >> 4) as u8;
    }
    dst[2 * n - 2] = ((s[n - 1] * 3 + s[n - 2] + 8) >> 4) as u8;
    dst[2 * n - 1] = ((s[n - 1] * 4 + 7) >> 4) as u8;
}
