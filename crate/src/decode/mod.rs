//! Image files -> RGBA8, upright (EXIF orientation applied): one path for `decode: 'exact'`
//! and `'fast'`, on every host.
//!
//! [`open`] reads what the bytes are ([`format`], the one place a format is registered),
//! refuses a file whose end is missing ([`complete`]) or that declares more pixels than any
//! camera takes ([`limits`], before anything is allocated for them) and unwraps a container to
//! the image it holds. With a short side to keep (`'fast'`), a JPEG is then decoded at 1/2, 1/4 or 1/8
//! ([`scaled`]); otherwise, or where that gives up, the full decode follows on the same bytes:
//! here, natively, JPEGs by libjpeg-turbo's algorithms ([`libjpeg`]: the same pixels as PIL
//! and as Chromium) and everything else, and JPEGs in wasm, by the `image` crate. A JS host
//! takes the path's first half through wasm and decodes what is left with its own decoder.

pub mod complete;
pub mod format;
pub mod heic;
#[cfg(not(target_arch = "wasm32"))]
mod libjpeg;
pub mod limits;
pub mod raw;
pub mod scaled;
pub mod size;
pub mod sniff;
mod unknown;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::io::Cursor;

use crate::error::{Error, Result};
use crate::manifest::Preprocess;
use format::{Content, Format};
use limits::{MAX_PIXELS, MAX_SIDE};

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

/// What [`open`] found.
pub enum Opened<'a> {
    /// An image of `format` for a decoder: the bytes given, or a stream embedded in them.
    Image { format: Format, bytes: &'a [u8] },
    /// A camera RAW's preview (a JPEG without an orientation of its own), to be turned by
    /// the RAW's `orientation` once decoded: decoded by the crate, never a host, whose
    /// decoder would not know it.
    Oriented {
        format: Format,
        bytes: &'a [u8],
        orientation: Orientation,
    },
    /// Pixels a container's module decoded, upright.
    Pixels(DecodedImage),
}

/// Where the model's short side is unknown ('exact', which is given no model), a RAW's
/// preview must have this short side: the resize target of Lite0 (224 / 0.875) and of most
/// ImageNet models. With 'fast' the model's own target is the bar.
pub const MIN_PREVIEW_SHORT: u32 = 256;

/// Containers nest this deep at most (a preview inside a preview...): a loop is refused.
const MAX_NESTING: usize = 4;

/// `bytes` sniffed, checked whole and for size, and unwrapped to their image; `Err` naming
/// `name` if they are not a format this build reads, are cut short, declare too many pixels,
/// or a container cannot be opened.
pub fn open<'a>(name: &str, bytes: &'a [u8]) -> Result<Opened<'a>> {
    open_for(name, bytes, None)
}

/// [`open`] for a model whose resize needs a short side of `min_short` (a camera RAW whose
/// largest preview is smaller is refused, saying so); [`MIN_PREVIEW_SHORT`] if `None`.
pub fn open_for<'a>(name: &str, bytes: &'a [u8], min_short: Option<u32>) -> Result<Opened<'a>> {
    let mut bytes = bytes;
    let mut turn = None;
    for _ in 0..MAX_NESTING {
        let format =
            Format::sniff(bytes).ok_or_else(|| decode_error(name, unknown::reason(bytes)))?;
        complete::check(format, bytes).map_err(|e| decode_error(name, e))?;
        limits::check(name, format, bytes)?;
        match (format.spec().open)(bytes).map_err(|e| decode_error(name, e))? {
            Content::Image => {
                return Ok(match turn {
                    Some(orientation) => Opened::Oriented {
                        format,
                        bytes,
                        orientation,
                    },
                    None => Opened::Image { format, bytes },
                })
            }
            Content::Embedded(inner) => bytes = inner,
            Content::Preview(p) => {
                let min_short = min_short.unwrap_or(MIN_PREVIEW_SHORT);
                if p.size.0.min(p.size.1) < min_short {
                    let e = raw::PreviewError::TooSmall {
                        format: format.name(),
                        size: p.size,
                        min_short,
                        fallback: p.fallback,
                    };
                    return Err(decode_error(name, e));
                }
                turn = p
                    .orientation
                    .and_then(|o| Orientation::from_exif(o as u8))
                    .filter(|&o| o != Orientation::NoTransforms);
                bytes = p.bytes;
            }
            Content::Pixels(img) => return Ok(Opened::Pixels(img)),
        }
    }
    Err(decode_error(name, "containers nested too deep"))
}

/// Why a camera RAW's largest preview was passed over for a smaller one, if it was (the
/// preview used is still good enough, or [`open`] would have refused the file): for a host to
/// say so beside the result.
pub fn preview_fallback(bytes: &[u8]) -> Option<String> {
    use Format::*;
    // only RAWs: another container's `open` may decode its whole image (HEIC's natively)
    let format = Format::sniff(bytes)
        .filter(|f| matches!(f, Dng | Cr2 | Cr3 | Nef | Arw | Raf | Orf | Rw2))?;
    match (format.spec().open)(bytes).ok()? {
        Content::Preview(p) => p
            .fallback
            .map(|f| format!("in the {} file, {f}", format.name())),
        _ => None,
    }
}

pub fn decode_file(path: &str) -> Result<DecodedImage> {
    decode_bytes(path, &read(path)?)
}

/// `decode: 'exact'`; `name` only labels errors.
pub fn decode_bytes(name: &str, bytes: &[u8]) -> Result<DecodedImage> {
    decode_opened(name, open(name, bytes)?, None)
}

/// `decode: 'fast'` for a model with preprocessing `p`: a JPEG at the largest reduction that
/// keeps the short side its resize works from ([`Preprocess::min_short_side`]).
pub fn decode_file_fast(path: &str, p: &Preprocess) -> Result<DecodedImage> {
    decode_bytes_fast(path, &read(path)?, p)
}

/// [`decode_file_fast`] of bytes; `name` only labels errors.
pub fn decode_bytes_fast(name: &str, bytes: &[u8], p: &Preprocess) -> Result<DecodedImage> {
    let n = p.min_short_side();
    decode_opened(name, open_for(name, bytes, Some(n))?, Some(n))
}

/// The path after [`open`]: the scaled decode if `min_short` asks for it and it applies, else
/// the full decode, of the same bytes.
pub fn decode_opened(name: &str, opened: Opened, min_short: Option<u32>) -> Result<DecodedImage> {
    let (format, bytes) = match opened {
        Opened::Pixels(img) => return Ok(img),
        Opened::Image { format, bytes } => (format, bytes),
        Opened::Oriented {
            format,
            bytes,
            orientation,
        } => {
            let img = decode_image(name, format, bytes, min_short)?;
            return turned(img, orientation);
        }
    };
    decode_image(name, format, bytes, min_short)
}

/// An image's bytes decoded, scaled if `min_short` asks for it and it applies, else in full.
fn decode_image(
    name: &str,
    format: Format,
    bytes: &[u8],
    min_short: Option<u32>,
) -> Result<DecodedImage> {
    if let Some(n) = min_short {
        if let Some(img) = scaled::decode(name, format, bytes, n)? {
            return Ok(img);
        }
    }
    decode_full(name, format, bytes)
}

/// Pixels that another decoder made of `bytes` (Node's JPEG decoder), turned upright by the
/// file's EXIF orientation.
pub fn apply_orientation(name: &str, bytes: &[u8], img: DecodedImage) -> Result<DecodedImage> {
    let orientation = orientation(name, &mut open_decoder(name, bytes)?)?;
    turned(img, orientation)
}

/// Pixels turned by an orientation the file states outside them (a RAW's).
fn turned(img: DecodedImage, orientation: Orientation) -> Result<DecodedImage> {
    let (w, h) = (img.width, img.height);
    let rgba = image::RgbaImage::from_raw(w, h, img.rgba).ok_or_else(|| Error::Image {
        width: w,
        height: h,
        reason: "the RGBA buffer is not width x height x 4 bytes".into(),
    })?;
    Ok(upright(DynamicImage::ImageRgba8(rgba), orientation))
}

fn read(path: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_string(),
        source,
    })
}

fn decode_full(name: &str, format: Format, bytes: &[u8]) -> Result<DecodedImage> {
    let mut decoder = open_decoder(name, bytes)?;
    // the decoder's own reading of the headers, should it differ from `size`'s
    let (w, h) = decoder.dimensions();
    limits::check_size(name, w, h)?;
    let orientation = orientation(name, &mut decoder)?;
    // what libjpeg refuses (arithmetic coding, say) the `image` crate may still read
    let img = match decode_own(format, bytes) {
        Ok(Some(own)) => image::RgbaImage::from_raw(own.width, own.height, own.rgba)
            .map(DynamicImage::ImageRgba8)
            .expect("libjpeg gave width x height RGBA pixels"),
        Ok(None) | Err(_) => {
            DynamicImage::from_decoder(decoder).map_err(|e| decode_error(name, e))?
        }
    };
    Ok(upright(img, orientation))
}

fn decode_error(name: &str, reason: impl ToString) -> Error {
    Error::Decode {
        path: name.to_string(),
        reason: reason.to_string(),
    }
}

/// The `image` crate's decoder for `bytes`, within our size limits: its allocations too
/// (16-bit RGBA at the most pixels admitted).
fn open_decoder<'a>(name: &str, bytes: &'a [u8]) -> Result<impl ImageDecoder + 'a> {
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

fn orientation(name: &str, decoder: &mut impl ImageDecoder) -> Result<Orientation> {
    decoder.orientation().map_err(|e| decode_error(name, e))
}

fn upright(mut img: DynamicImage, orientation: Orientation) -> DecodedImage {
    img.apply_orientation(orientation);
    let rgba = img.into_rgba8();
    let (width, height) = rgba.dimensions();
    DecodedImage {
        width,
        height,
        rgba: rgba.into_raw(),
    }
}

/// Our own full decoder for `format`, where there is one: natively, JPEGs.
#[cfg(not(target_arch = "wasm32"))]
fn decode_own(format: Format, bytes: &[u8]) -> std::result::Result<Option<DecodedImage>, String> {
    match format {
        Format::Jpeg => libjpeg::decode(bytes, |_, _| 1),
        _ => Ok(None),
    }
}

#[cfg(target_arch = "wasm32")]
fn decode_own(_: Format, _: &[u8]) -> std::result::Result<Option<DecodedImage>, String> {
    Ok(None)
}
