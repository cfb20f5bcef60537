//! JPEG -> RGBA with libjpeg-turbo's algorithms (mozjpeg's decoder is libjpeg-turbo's):
//! the ISLOW integer IDCT and fancy (triangle-filter) chroma upsampling, libjpeg's defaults
//! and so PIL's. The reference pipeline decodes with PIL, and Chromium with libjpeg-turbo;
//! the `image` crate's decoder rounds differently (up to 0.02 in a probability). Natively it
//! serves both paths: the full decode, and the scaled one (PIL's `draft` itself) for the JPEGs
//! the pure-Rust scaled decoder leaves (arithmetic coding, 12-bit).

use mozjpeg::{ColorSpace, Decompress};
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::{limits, DecodedImage};

/// The JPEG at 1/`reduction(width, height)` of its size (1, 2, 4 or 8; 1 is the full decode),
/// as stored (no EXIF orientation). `Ok(None)` for colour spaces PIL converts in its own way
/// (CMYK, YCCK): the caller's general decoder handles those.
pub fn decode(
    bytes: &[u8],
    reduction: impl Fn(u32, u32) -> u32,
) -> Result<Option<DecodedImage>, String> {
    // libjpeg reports fatal errors by unwinding out of its error handler (the mozjpeg crate)
    let run = catch_unwind(AssertUnwindSafe(|| -> std::io::Result<_> {
        let mut d = Decompress::new_mem(bytes)?;
        if !matches!(
            d.color_space(),
            ColorSpace::JCS_YCbCr | ColorSpace::JCS_GRAYSCALE | ColorSpace::JCS_RGB
        ) {
            return Ok(None);
        }
        let (w, h) = d.size();
        if !limits::admits(w as u64, h as u64) {
            return Err(std::io::Error::other(format!(
                "{w}x{h} is larger than this library accepts"
            )));
        }
        if let r @ (2 | 4 | 8) = reduction(w as u32, h as u32) {
            d.scale((8 / r) as u8);
        }
        let mut started = d.to_colorspace(ColorSpace::JCS_EXT_RGBA)?;
        let (width, height) = (started.width() as u32, started.height() as u32);
        let rgba: Vec<u8> = started.read_scanlines()?;
        started.finish()?;
        Ok(Some(DecodedImage {
            width,
            height,
            rgba,
        }))
    }));
    match run {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(panic) => Err(panic
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_else(|| "libjpeg failed".into())),
    }
}
