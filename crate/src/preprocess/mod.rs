//! pixels -> model input: resize + crop (Pillow-exact), then normalise into the model's layout.

pub mod geometry;
pub mod normalize;
pub mod resample;

use crate::error::Result;
use crate::manifest::{Layout, Preprocess};
use crate::pixels::Rgba;

/// The model's input tensor, flat, with its shape.
#[derive(Debug, Clone)]
pub struct Input {
    pub shape: [usize; 4],
    pub data: Vec<f32>,
}

/// The cropped, resized RGB8 square the model sees (useful to show or test).
pub fn crop_rgb(img: &Rgba, p: &Preprocess) -> Vec<u8> {
    let (region, win) = geometry::plan(img.width(), img.height(), p);
    resample::resize_window(
        img.data(),
        img.width() as usize,
        region,
        win,
        p.interpolation,
    )
}

pub fn preprocess(img: &Rgba, p: &Preprocess, layout: Layout) -> Result<Input> {
    let size = p.size as usize;
    let rgb = crop_rgb(img, p);
    Ok(Input {
        shape: layout.input_shape(size),
        data: normalize::normalize(&rgb, size, p, layout),
    })
}
