//! Which part of the source is resized, and where the model's square input lies in the result.

use super::resample::{Rect, Window};
use crate::manifest::{Preprocess, Resize};

/// The source rectangle to resample and the window of the resized image to keep.
pub fn plan(src_w: u32, src_h: u32, p: &Preprocess) -> (Rect, Window) {
    let size = p.size as usize;
    match p.resize {
        Resize::ShortSideThenCenterCrop { .. } => {
            // torchvision's `Resize(n)` then `CenterCrop(size)`, as timm's eval transform applies them
            let short = p.min_short_side() as u64;
            let (w, h) = (src_w as u64, src_h as u64);
            // torchvision: the long side is int(short * long / short_side), a float truncated
            let (out_w, out_h) = if w <= h {
                (short, (short as f64 * h as f64 / w as f64) as u64)
            } else {
                ((short as f64 * w as f64 / h as f64) as u64, short)
            };
            let win = Window {
                out_w: out_w as usize,
                out_h: out_h as usize,
                left: center_offset(out_w as usize, size),
                top: center_offset(out_h as usize, size),
                width: size,
                height: size,
            };
            (Rect::full(src_w as usize, src_h as usize), win)
        }
        Resize::CenterCropThenResize { crop_padding } => {
            let side = tf_crop_side(src_w, src_h, p.size, crop_padding);
            // TF: offset = ((dim - crop) + 1) // 2, i.e. half the margin rounded up
            let crop = Rect {
                left: (src_w - side).div_ceil(2) as usize,
                top: (src_h - side).div_ceil(2) as usize,
                width: side as usize,
                height: side as usize,
            };
            let win = Window {
                out_w: size,
                out_h: size,
                left: 0,
                top: 0,
                width: size,
                height: size,
            };
            (crop, win)
        }
    }
}

/// TF EfficientNet's `padded_center_crop_size`: `int((size / (size + padding)) *
/// float32(min(h, w)))`. The Python float ratio meets a float32 tensor, so the product is
/// float32; the cast truncates. At least one pixel, so that a 1x1 image still works.
fn tf_crop_side(w: u32, h: u32, size: u32, padding: u32) -> u32 {
    let ratio = (size as f64 / (size + padding) as f64) as f32;
    ((ratio * w.min(h) as f32) as u32).max(1)
}

/// `int(round((dim - crop) / 2.0))` with Python's round half to even.
fn center_offset(dim: usize, crop: usize) -> usize {
    let d = dim - crop;
    let half = d / 2;
    if d % 2 == 1 && half % 2 == 1 {
        half + 1
    } else {
        half
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn center_offset_rounds_half_to_even() {
        // Python: round(0.5)=0, round(1.5)=2, round(2.5)=2, round(3.5)=4
        assert_eq!(
            [1, 3, 5, 7, 4].map(|d| center_offset(224 + d, 224)),
            [0, 2, 2, 4, 2]
        );
    }

    #[test]
    fn tf_crop_side_truncates_the_padded_fraction() {
        // 600 / 632 * 400 = 379.75..; 600 / 632 * 632 = 600 exactly in float32
        assert_eq!(tf_crop_side(600, 400, 600, 32), 379);
        assert_eq!(tf_crop_side(632, 700, 600, 32), 600);
        assert_eq!(tf_crop_side(1, 1, 600, 32), 1);
    }
}
