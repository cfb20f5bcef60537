//! Separable resampling that reproduces Pillow's `Image.resize` on 8-bit images bit for bit
//! (libImaging/Resample.c): antialiased filters whose support widens with the downscale
//! factor, coefficients in 22-bit fixed point, a horizontal pass then a vertical pass, each
//! rounded and clamped to 8 bits. The reference pipeline (timm eval with PIL) resizes this
//! way, so exactness here is exactness to the reference.
//!
//! Only the output window that the crop keeps is computed: every output pixel depends on its
//! own coefficients alone, so the result equals resizing the whole image and cropping. The
//! input can be a rectangle of the image (a crop before the resize), read in place.

use crate::manifest::Interpolation;

const PRECISION_BITS: u32 = 32 - 8 - 2;

fn bicubic(x: f64) -> f64 {
    // Pillow uses a = -0.5 (as Keys' cubic convolution)
    const A: f64 = -0.5;
    let x = x.abs();
    if x < 1.0 {
        ((A + 2.0) * x - (A + 3.0)) * x * x + 1.0
    } else if x < 2.0 {
        (((x - 5.0) * x + 8.0) * x - 4.0) * A
    } else {
        0.0
    }
}

fn triangle(x: f64) -> f64 {
    let x = x.abs();
    if x < 1.0 {
        1.0 - x
    } else {
        0.0
    }
}

fn filter(kind: Interpolation) -> (fn(f64) -> f64, f64) {
    match kind {
        Interpolation::Bicubic => (bicubic, 2.0),
        Interpolation::Bilinear => (triangle, 1.0),
    }
}

/// Fixed-point weights for output indices `first..first + count` of an `in_size -> out_size` resize.
pub(crate) struct Coefficients {
    /// per output index: first input index and number of taps
    bounds: Vec<(usize, usize)>,
    ksize: usize,
    weights: Vec<i32>,
}

impl Coefficients {
    pub(crate) fn new(
        kind: Interpolation,
        in_size: usize,
        out_size: usize,
        first: usize,
        count: usize,
    ) -> Self {
        let (f, support) = filter(kind);
        let scale = in_size as f64 / out_size as f64;
        let filterscale = scale.max(1.0);
        let support = support * filterscale;
        let ksize = support.ceil() as usize * 2 + 1;
        let ss = 1.0 / filterscale;
        let mut bounds = Vec::with_capacity(count);
        let mut weights = vec![0i32; count * ksize];
        let mut k = vec![0f64; ksize];
        for (i, xx) in (first..first + count).enumerate() {
            let center = (xx as f64 + 0.5) * scale;
            // C's (int) cast truncates toward zero; negatives clamp to 0 anyway
            let xmin = ((center - support + 0.5) as i64).max(0) as usize;
            let xmax = ((center + support + 0.5) as i64).min(in_size as i64) as usize;
            let taps = xmax.saturating_sub(xmin);
            let mut ww = 0.0;
            for (x, kx) in k.iter_mut().enumerate().take(taps) {
                let w = f((x as f64 + xmin as f64 - center + 0.5) * ss);
                *kx = w;
                ww += w;
            }
            let row = &mut weights[i * ksize..(i + 1) * ksize];
            for (x, out) in row.iter_mut().enumerate().take(taps) {
                let w = if ww != 0.0 { k[x] / ww } else { k[x] };
                let fixed = w * (1u32 << PRECISION_BITS) as f64;
                *out = if w < 0.0 {
                    (fixed - 0.5) as i32
                } else {
                    (fixed + 0.5) as i32
                };
            }
            bounds.push((xmin, taps));
        }
        Self {
            bounds,
            ksize,
            weights,
        }
    }

    fn taps(&self, i: usize) -> (usize, &[i32]) {
        let (xmin, n) = self.bounds[i];
        (xmin, &self.weights[i * self.ksize..i * self.ksize + n])
    }

    /// The input range that output indices of this window read.
    fn input_span(&self) -> (usize, usize) {
        let lo = self.bounds.iter().map(|b| b.0).min().unwrap_or(0);
        let hi = self.bounds.iter().map(|b| b.0 + b.1).max().unwrap_or(0);
        (lo, hi)
    }
}

#[inline]
fn clip8(acc: i32) -> u8 {
    (acc >> PRECISION_BITS).clamp(0, 255) as u8
}

const ROUND: i32 = 1 << (PRECISION_BITS - 1);

/// A window of a resize: the output is `out_w x out_h`, of which the pixels
/// `[left, left + width) x [top, top + height)` are produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub out_w: usize,
    pub out_h: usize,
    pub left: usize,
    pub top: usize,
    pub width: usize,
    pub height: usize,
}

/// A rectangle of the source image: the part that is resized (all of it, or a crop).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub left: usize,
    pub top: usize,
    pub width: usize,
    pub height: usize,
}

impl Rect {
    pub fn full(width: usize, height: usize) -> Self {
        Self {
            left: 0,
            top: 0,
            width,
            height,
        }
    }
}

/// Resamples the `region` of RGBA8 `src` (rows of `src_w` pixels), as Pillow resizes that
/// region cropped out first, and returns the window as packed RGB8.
pub fn resize_window(
    src: &[u8],
    src_w: usize,
    region: Rect,
    win: Window,
    kind: Interpolation,
) -> Vec<u8> {
    debug_assert!(region.left + region.width <= src_w);
    debug_assert!((region.top + region.height) * src_w * 4 <= src.len());
    let (in_w, in_h) = (region.width, region.height);
    // row `y` of the region, `in_w` RGBA pixels
    let line = |y: usize| {
        let start = ((region.top + y) * src_w + region.left) * 4;
        &src[start..start + in_w * 4]
    };
    // Pillow skips a pass whose size does not change; so do we (it is the identity anyway)
    let need_h = win.out_w != in_w;
    let need_v = win.out_h != in_h;

    let vert = need_v.then(|| Coefficients::new(kind, in_h, win.out_h, win.top, win.height));
    let (row0, row1) = match &vert {
        Some(c) => c.input_span(),
        None => (win.top, win.top + win.height),
    };

    // Horizontal pass over the rows the vertical pass reads: (row1 - row0) x width, RGB.
    let rows = row1 - row0;
    let mut tmp = vec![0u8; rows * win.width * 3];
    if need_h {
        let horiz = Coefficients::new(kind, in_w, win.out_w, win.left, win.width);
        for (r, out_row) in tmp.chunks_exact_mut(win.width * 3).enumerate() {
            let line = line(row0 + r);
            for (i, out) in out_row.chunks_exact_mut(3).enumerate() {
                let (xmin, k) = horiz.taps(i);
                let (mut s0, mut s1, mut s2) = (ROUND, ROUND, ROUND);
                for (px, &w) in line[xmin * 4..].chunks_exact(4).zip(k) {
                    s0 += px[0] as i32 * w;
                    s1 += px[1] as i32 * w;
                    s2 += px[2] as i32 * w;
                }
                out[0] = clip8(s0);
                out[1] = clip8(s1);
                out[2] = clip8(s2);
            }
        }
    } else {
        for (r, out_row) in tmp.chunks_exact_mut(win.width * 3).enumerate() {
            let line = &line(row0 + r)[win.left * 4..];
            for (out, px) in out_row.chunks_exact_mut(3).zip(line.chunks_exact(4)) {
                out.copy_from_slice(&px[..3]);
            }
        }
    }

    let Some(vert) = vert else {
        return tmp;
    };
    let stride = win.width * 3;
    let mut out = vec![0u8; win.height * stride];
    let mut acc = vec![0i32; stride];
    for (j, out_row) in out.chunks_exact_mut(stride).enumerate() {
        let (ymin, k) = vert.taps(j);
        acc.fill(ROUND);
        for (y, &w) in k.iter().enumerate() {
            let line = &tmp[(ymin - row0 + y) * stride..(ymin - row0 + y + 1) * stride];
            for (a, &v) in acc.iter_mut().zip(line) {
                *a += v as i32 * w;
            }
        }
        for (o, &a) in out_row.iter_mut().zip(&acc) {
            *o = clip8(a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_weights_sum_to_one() {
        for (i, o) in [(4000, 256), (100, 224), (224, 224), (3, 7)] {
            let c = Coefficients::new(Interpolation::Bicubic, i, o, 0, o);
            for j in 0..o {
                let s: i32 = c.taps(j).1.iter().sum();
                assert!(
                    (s - (1 << PRECISION_BITS)).abs() <= c.ksize as i32,
                    "{i}->{o} at {j}: {s}"
                );
            }
        }
    }

    #[test]
    fn a_flat_image_stays_flat() {
        let src: Vec<u8> = [200u8, 100, 50, 255].repeat(37 * 23);
        let win = Window {
            out_w: 11,
            out_h: 64,
            left: 0,
            top: 0,
            width: 11,
            height: 64,
        };
        for kind in [Interpolation::Bicubic, Interpolation::Bilinear] {
            let out = resize_window(&src, 37, Rect::full(37, 23), win, kind);
            assert!(out.chunks(3).all(|p| p == [200, 100, 50]));
        }
    }

    #[test]
    fn a_window_equals_the_same_pixels_of_the_full_resize() {
        let src: Vec<u8> = (0..50 * 40 * 4).map(|i| (i * 37 % 251) as u8).collect();
        let full = Window {
            out_w: 30,
            out_h: 70,
            left: 0,
            top: 0,
            width: 30,
            height: 70,
        };
        let part = Window {
            left: 5,
            top: 9,
            width: 20,
            height: 50,
            ..full
        };
        let a = resize_window(&src, 50, Rect::full(50, 40), full, Interpolation::Bicubic);
        let b = resize_window(&src, 50, Rect::full(50, 40), part, Interpolation::Bicubic);
        for y in 0..50 {
            assert_eq!(
                &b[y * 60..(y + 1) * 60],
                &a[((y + 9) * 30 + 5) * 3..((y + 9) * 30 + 25) * 3]
            );
        }
    }

    #[test]
    fn a_source_region_equals_resizing_the_cropped_image() {
        let src: Vec<u8> = (0..50 * 40 * 4).map(|i| (i * 37 % 251) as u8).collect();
        let region = Rect {
            left: 7,
            top: 3,
            width: 31,
            height: 29,
        };
        let cropped: Vec<u8> = (0..region.height)
            .flat_map(|y| {
                let start = ((region.top + y) * 50 + region.left) * 4;
                src[start..start + region.width * 4].to_vec()
            })
            .collect();
        for (w, h) in [(13, 17), (64, 45), (31, 29)] {
            let win = Window {
                out_w: w,
                out_h: h,
                left: 0,
                top: 0,
                width: w,
                height: h,
            };
            for kind in [Interpolation::Bicubic, Interpolation::Bilinear] {
                let a = resize_window(&src, 50, region, win, kind);
                let b = resize_window(&cropped, 31, Rect::full(31, 29), win, kind);
                assert_eq!(a, b, "{w}x{h} {kind:?}");
            }
        }
    }
}
