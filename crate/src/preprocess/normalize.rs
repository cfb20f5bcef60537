//! RGB8 pixels -> the model's float input: scale, mean/std, channel order, layout.

use crate::manifest::{ChannelOrder, Layout, Preprocess};

/// `rgb` is `size x size` packed RGB8; the result has `3 * size * size` values in `layout`.
pub fn normalize(rgb: &[u8], size: usize, p: &Preprocess, layout: Layout) -> Vec<f32> {
    let plane = size * size;
    debug_assert_eq!(rgb.len(), plane * 3);
    // The same float32 operations as torchvision's ToTensor + Normalize, in the same order.
    let lut: [[f32; 256]; 3] = std::array::from_fn(|c| {
        std::array::from_fn(|v| {
            let x = if p.value_range == 1.0 {
                v as f32 / 255.0
            } else {
                v as f32 * (p.value_range / 255.0)
            };
            (x - p.mean[c]) / p.std[c]
        })
    });
    let src_channel = |c: usize| match p.channel_order {
        ChannelOrder::Rgb => c,
        ChannelOrder::Bgr => 2 - c,
    };
    let mut out = vec![0f32; plane * 3];
    match layout {
        Layout::Nchw => {
            for (c, dst) in out.chunks_exact_mut(plane).enumerate() {
                let s = src_channel(c);
                for (o, px) in dst.iter_mut().zip(rgb.chunks_exact(3)) {
                    *o = lut[s][px[s] as usize];
                }
            }
        }
        Layout::Nhwc => {
            for (o, px) in out.chunks_exact_mut(3).zip(rgb.chunks_exact(3)) {
                for (c, v) in o.iter_mut().enumerate() {
                    let s = src_channel(c);
                    *v = lut[s][px[s] as usize];
                }
            }
        }
    }
    out
}
