//! Natively, the JPEGs the pure-Rust decoder leaves (arithmetic coding, 12-bit, CMYK...):
//! libjpeg-turbo's own scaled decode (mozjpeg), PIL's `draft` itself. `None` for colour
//! spaces PIL converts its own way (CMYK, YCCK): the full decoder handles those.

use std::panic::{catch_unwind, AssertUnwindSafe};

use mozjpeg::{ColorSpace, Decompress};

use super::super::DecodedImage;
use crate::pixels::{MAX_PIXELS, MAX_SIDE};

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
        if w > MAX_SIDE as usize || h > MAX_SIDE as usize || (w as u64) * (h as u64) > MAX_PIXELS {
            return Err(std::io::Error::other(format!(
                "{w}x{h} is larger than this library accepts"
            )));
        }
        let r = reduction(w as u32, h as u32);
        if r == 1 {
            return Ok(None);
        }
        d.scale((8 / r) as u8);
        let mut started = d.to_colorspace(ColorSpace::JCS_EXT_RGBA)?;
        let (ow, oh) = (started.width() as u32, started.height() as u32);
        let px: Vec<u8> = started.read_scanlines()?;
        started.finish()?;
        Ok(Some(DecodedImage {
            width: ow,
            height: oh,
            rgba: px,
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
