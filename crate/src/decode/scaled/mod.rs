//! The fast path: a JPEG decoded at 1/2, 1/4 or 1/8 of its size in the DCT domain, the largest
//! reduction that leaves the short side at least what the model's resize needs, then the
//! model's exact resize and crop as for any image. A 4000x3000 photo decodes at 500x375 for
//! Lite0 (which resizes the short side to 256): the entropy decoding is all that is left of
//! the full decode's cost.
//!
//! The reference is PIL's `Image.draft('RGB', (n, n))` (libjpeg-turbo's scale_num/scale_denom)
//! followed by the same resize. The decoder here is pure Rust, so that it runs in wasm too, and
//! restates libjpeg-turbo's scaled decode: per-component IDCT sizes ([`jpeg`]), its reduced
//! IDCTs ([`idct`]), upsampling and colour conversion ([`color`]). JPEGs it does not handle
//! (arithmetic coding, 12-bit, CMYK, RGB-coded) go to libjpeg natively (`super::libjpeg`) and
//! are left to the full decoder in wasm.

mod bits;
mod color;
mod idct;
mod jpeg;

use crate::error::Result;

use super::format::Format;
use super::limits::{MAX_PIXELS, MAX_SIDE};
use super::DecodedImage;

#[derive(Debug, thiserror::Error)]
pub enum JpegError {
    #[error("corrupt JPEG data: {0}")]
    Corrupt(&'static str),
    #[error("not handled by the scaled decoder: {0}")]
    Unsupported(&'static str),
    #[error("{width}x{height} is larger than this library accepts")]
    TooLarge { width: usize, height: usize },
}

/// The reduction (8, 4, 2 or 1) PIL's `draft('RGB', (min_short, min_short))` picks for a
/// `width` x `height` JPEG: the largest whose `width / min_short` and `height / min_short`
/// (integer divisions) both reach it, i.e. both sides stay >= `min_short` times it. The image
/// it decodes to (ceil(width / r) x ceil(height / r)) keeps its short side >= `min_short`.
pub fn reduction(width: u32, height: u32, min_short: u32) -> u32 {
    let min_short = min_short.max(1) as u64;
    let short = width.min(height) as u64;
    [8, 4, 2]
        .into_iter()
        .find(|&r| short >= r * min_short)
        .unwrap_or(1) as u32
}

/// A JPEG at 1/`reduction(w, h)`, as stored (no EXIF orientation), or `None` if that is 1.
/// `reduction` must give 1, 2, 4 or 8.
pub fn decode_jpeg(
    bytes: &[u8],
    reduction: impl Fn(u32, u32) -> u32,
) -> std::result::Result<Option<DecodedImage>, JpegError> {
    let pick = |w: usize, h: usize| match reduction(w as u32, h as u32) {
        r @ (1 | 2 | 4 | 8) => r as usize,
        _ => 1,
    };
    let Some(d) = jpeg::decode(bytes, pick, MAX_PIXELS)? else {
        return Ok(None);
    };
    let f = &d.frame;
    if f.width > MAX_SIDE as usize || f.height > MAX_SIDE as usize {
        return Err(JpegError::TooLarge {
            width: f.width,
            height: f.height,
        });
    }
    if f.comps.len() == 3 && is_rgb(&d) {
        return Err(JpegError::Unsupported("RGB-coded (not YCbCr) JPEG"));
    }
    let (ow, oh) = ((f.width * f.m).div_ceil(8), (f.height * f.m).div_ceil(8));
    let rgba = color::to_rgba(f, ow, oh)?;
    Ok(Some(DecodedImage {
        width: ow as u32,
        height: oh as u32,
        rgba,
    }))
}

/// libjpeg's guess of a 3-component file's colour space (jdapimin.c default_decompress_parms).
fn is_rgb(d: &jpeg::Decoded) -> bool {
    if d.jfif {
        return false;
    }
    if let Some(t) = d.adobe {
        return t == 0;
    }
    let ids: Vec<u8> = d.frame.comps.iter().map(|c| c.id).collect();
    ids == b"RGB"
}

/// The scaled decode of an image [`super::open`] found: a JPEG at the reduction [`reduction`]
/// picks for `min_short`, upright by its EXIF orientation. `Ok(None)` where the full decode is
/// the way (not a JPEG, no reduction to gain, or, in wasm, a JPEG this decoder does not
/// handle); an error for a JPEG too large. `name` only labels errors.
pub fn decode(
    name: &str,
    format: Format,
    bytes: &[u8],
    min_short: u32,
) -> Result<Option<DecodedImage>> {
    if format != Format::Jpeg {
        return Ok(None);
    }
    let pick = |w, h| reduction(w, h, min_short);
    let img = match decode_jpeg(bytes, pick) {
        Ok(Some(img)) => img,
        Ok(None) => return Ok(None),
        Err(e @ JpegError::TooLarge { .. }) => return Err(super::decode_error(name, e)),
        #[cfg(not(target_arch = "wasm32"))]
        Err(_) => match super::libjpeg::decode(bytes, pick) {
            // at 1/1 this is the full decode's own work (the same call), not a second one
            Ok(Some(img)) => img,
            _ => return Ok(None),
        },
        #[cfg(target_arch = "wasm32")]
        Err(_) => return Ok(None),
    };
    super::apply_orientation(name, bytes, img).map(Some)
}
