//! The input: 8-bit RGBA pixels of any size, as a canvas's `getImageData` gives them.

use crate::error::{Error, Result};

/// Largest side accepted; beyond it a browser canvas fails anyway and memory would run out.
pub const MAX_SIDE: u32 = 32_768;
/// Largest pixel count accepted (a 16384 x 16384 image).
pub const MAX_PIXELS: u64 = 1 << 28;

/// A borrowed, validated RGBA8 image. Alpha is ignored, as PIL's `convert('RGB')` does.
#[derive(Debug, Clone, Copy)]
pub struct Rgba<'a> {
    width: u32,
    height: u32,
    data: &'a [u8],
}

impl<'a> Rgba<'a> {
    pub fn new(width: u32, height: u32, data: &'a [u8]) -> Result<Self> {
        let err = |reason: String| {
            Err(Error::Image {
                width,
                height,
                reason,
            })
        };
        if width == 0 || height == 0 {
            return err("the image is empty".into());
        }
        if width > MAX_SIDE || height > MAX_SIDE || (width as u64) * (height as u64) > MAX_PIXELS {
            return err(format!(
                "too large (at most {MAX_SIDE} px a side and {MAX_PIXELS} pixels)"
            ));
        }
        let expected = width as usize * height as usize * 4;
        if data.len() != expected {
            return err(format!(
                "the pixel buffer has {} bytes, RGBA needs {expected}",
                data.len()
            ));
        }
        Ok(Self {
            width,
            height,
            data,
        })
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    pub fn data(&self) -> &'a [u8] {
        self.data
    }
}
