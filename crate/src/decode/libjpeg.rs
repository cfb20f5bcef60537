//! JPEG -> RGBA with libjpeg-turbo's algorithms (mozjpeg's decoder is libjpeg-turbo's):
//! the ISLOW integer IDCT and fancy (triangle-filter) chroma upsampling, libjpeg's defaults
//! and so PIL's. The reference pipeline decodes with PIL, and Chromium with libjpeg-turbo;
//! the `image` crate's decoder rounds differently (up to 0.02 in a probability).

use mozjpeg::{ColorSpace, Decompress};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::pixels::{MAX_PIXELS, MAX_SIDE};

/// `Ok(None)` for colour spaces PIL converts in its own way (CMYK, YCCK): the caller's
/// general decoder handles those.
pub fn decode(bytes: &[u8]) -> Result<Option<image::RgbaImage>, String> {
    // libjpeg reports fatal errors by unwinding out of its error handler (the mozjpeg crate)
    let run = catch_unwind(AssertUnwindSafe(|| -> std::io::Result<_> {
        let d = Decompress::new_mem(bytes)?;
        if !matches!(
            d.color_space(),
            ColorSpace::JCS_YCbCr | ColorSpace::JCS_GRAYSCALE | ColorSpace::JCS_RGB
        ) {
            return Ok(None);
        }
        let (w, h) = d.size();
        if w > MAX_SIDE as usize || h > MAX_SIDE as usize || (w as u64) * (h as u64) > MAX_PIXELS {
            return Err(std::io::Error::other(format!(
                "{w}x{h} is larger than this library accepts"
            )));
        }
        let mut started = d.to_colorspace(ColorSpace::JCS_EXT_RGBA)?;
        let px: Vec<u8> = started.read_scanlines()?;
        started.finish()?;
        Ok(Some((w as u32, h as u32, px)))
    }));
    let decoded = match run {
        Ok(r) => r.map_err(|e| e.to_string())?,
        Err(panic) => {
            return Err(panic
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "libjpeg failed".into()))
        }
    };
    Ok(decoded.map(|(w, h, px)| {
        image::RgbaImage::from_raw(w, h, px).expect("libjpeg gave width x height RGBA pixels")
    }))
}
