//! Image files -> RGBA8, upright (EXIF orientation applied). Native only: browsers decode.

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::io::Cursor;

use crate::error::{Error, Result};
use crate::pixels::{MAX_PIXELS, MAX_SIDE};

/// Decoded pixels that own their buffer; borrow them as [`crate::Rgba`].
pub struct DecodedImage {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl DecodedImage {
    pub fn rgba(&self) -> Result<crate::Rgba<'_>> {
        crate::Rgba::new(self.width, self.height, &self.rgba)
    }
}

pub fn decode_file(path: &str) -> Result<DecodedImage> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_string(),
        source,
    })?;
    decode_bytes(path, &bytes)
}

/// `name` only labels errors.
pub fn decode_bytes(name: &str, bytes: &[u8]) -> Result<DecodedImage> {
    let err = |reason: String| Error::Decode {
        path: name.to_string(),
        reason,
    };
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| err(e.to_string()))?;
    if reader.format().is_none() {
        return Err(err(
            "not an image this build can read (JPEG, PNG, WebP or GIF)".into(),
        ));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 8);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| err(e.to_string()))?;
    let orientation = decoder.orientation().map_err(|e| err(e.to_string()))?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| err(e.to_string()))?;
    img.apply_orientation(orientation);
    let rgba = img.into_rgba8();
    let (width, height) = rgba.dimensions();
    Ok(DecodedImage {
        width,
        height,
        rgba: rgba.into_raw(),
    })
}
