//! Image files -> RGBA8, upright (EXIF orientation applied), for hosts without a decoder of
//! their own: the CLI, and Node given encoded bytes. Browsers decode in the page.
//!
//! A file whose end is missing is refused before decoding ([`complete`]). Natively, JPEGs
//! are decoded by libjpeg-turbo's algorithms ([`libjpeg`]: the same pixels as PIL and as
//! Chromium); everything else, and JPEGs in wasm, by the `image` crate.

pub mod complete;
#[cfg(not(target_arch = "wasm32"))]
mod libjpeg;
pub mod scaled;
pub mod sniff;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::io::Cursor;

use crate::error::{Error, Result};
use crate::pixels::{MAX_PIXELS, MAX_SIDE};
use sniff::Format;

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

/// `Err` naming `name` if `bytes` are not one of the formats we read, or are cut short.
pub fn check_complete(name: &str, bytes: &[u8]) -> Result<Format> {
    let format = Format::sniff(bytes).ok_or_else(|| {
        decode_error(
            name,
            "not an image this build can read (JPEG, PNG, WebP or GIF)",
        )
    })?;
    complete::check(format, bytes).map_err(|e| decode_error(name, e))?;
    Ok(format)
}

/// `name` only labels errors.
pub fn decode_bytes(name: &str, bytes: &[u8]) -> Result<DecodedImage> {
    let format = check_complete(name, bytes)?;
    let mut decoder = open(name, bytes)?;
    let orientation = decoder.orientation().map_err(|e| decode_error(name, e))?;
    // what libjpeg refuses (arithmetic coding, say) the `image` crate may still read
    let mut img = match decode_own(format, bytes) {
        Ok(Some(rgba)) => DynamicImage::ImageRgba8(rgba),
        Ok(None) | Err(_) => {
            DynamicImage::from_decoder(decoder).map_err(|e| decode_error(name, e))?
        }
    };
    img.apply_orientation(orientation);
    Ok(owned(img))
}

/// Pixels that another decoder made of `bytes` (Node's JPEG decoder), turned upright by the
/// file's EXIF orientation.
pub fn apply_orientation(name: &str, bytes: &[u8], img: DecodedImage) -> Result<DecodedImage> {
    let orientation = open(name, bytes)?
        .orientation()
        .map_err(|e| decode_error(name, e))?;
    let (w, h) = (img.width, img.height);
    let rgba = image::RgbaImage::from_raw(w, h, img.rgba).ok_or_else(|| Error::Image {
        width: w,
        height: h,
        reason: "the RGBA buffer is not width x height x 4 bytes".into(),
    })?;
    let mut img = DynamicImage::ImageRgba8(rgba);
    img.apply_orientation(orientation);
    Ok(owned(img))
}

fn decode_error(name: &str, reason: impl ToString) -> Error {
    Error::Decode {
        path: name.to_string(),
        reason: reason.to_string(),
    }
}

/// The `image` crate's decoder for `bytes`, within our size limits.
fn open<'a>(name: &str, bytes: &'a [u8]) -> Result<impl ImageDecoder + 'a> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| decode_error(name, e))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 8);
    reader.limits(limits);
    reader.into_decoder().map_err(|e| decode_error(name, e))
}

fn owned(img: DynamicImage) -> DecodedImage {
    let rgba = img.into_rgba8();
    let (width, height) = rgba.dimensions();
    DecodedImage {
        width,
        height,
        rgba: rgba.into_raw(),
    }
}

/// Our own decoder for `format`, where there is one: natively, JPEGs.
#[cfg(not(target_arch = "wasm32"))]
fn decode_own(
    format: Format,
    bytes: &[u8],
) -> std::result::Result<Option<image::RgbaImage>, String> {
    match format {
        Format::Jpeg => libjpeg::decode(bytes),
        _ => Ok(None),
    }
}

#[cfg(target_arch = "wasm32")]
fn decode_own(_: Format, _: &[u8]) -> std::result::Result<Option<image::RgbaImage>, String> {
    Ok(None)
}
