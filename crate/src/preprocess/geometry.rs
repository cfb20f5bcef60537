//! Where the model's square input comes from in the resized image.

use super::resample::Window;
use crate::manifest::{Preprocess, ResizeMode};

/// torchvision's `Resize(n)` then `CenterCrop(size)`, as timm's eval transform applies them.
pub fn plan(src_w: u32, src_h: u32, p: &Preprocess) -> Window {
    match p.resize {
        ResizeMode::ShortSideThenCenterCrop => {
            // timm: scale_size = math.floor(img_size / crop_pct)
            let short = (p.size as f64 / p.crop_pct).floor() as u64;
            let (w, h) = (src_w as u64, src_h as u64);
            // torchvision: the long side is int(short * long / short_side), a float truncated
            let (out_w, out_h) = if w <= h {
                (short, (short as f64 * h as f64 / w as f64) as u64)
            } else {
                ((short as f64 * w as f64 / h as f64) as u64, short)
            };
            let size = p.size as usize;
            Window {
                out_w: out_w as usize,
                out_h: out_h as usize,
                left: center_offset(out_w as usize, size),
                top: center_offset(out_h as usize, size),
                width: size,
                height: size,
            }
        }
    }
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
}
