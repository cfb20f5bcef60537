//! How large an image file may be: judged on the size its headers declare ([`super::size`]),
//! before any decoder allocates for it. A file of a few bytes can declare 16383 x 16383 pixels
//! (a lossless WebP of 34 bytes), or 30000 x 30000 (a PNG of 110 KB), and a decoder would
//! allocate gigabytes to fill them in.
//!
//! The limit admits every photo a camera takes and refuses the rest: the largest sensors
//! today are the 200 MP phone sensors (Samsung's ISOCELL HP series, 16320 x 12240) and the
//! 150 MP medium-format backs (Phase One IQ4, 14204 x 10652); the largest a camera maker's own
//! software composes from a pixel-shift burst in one file is Sony's 240.9 MP (19008 x 12672).
//! Above that are stitched panoramas and 400 MP multi-shot composites, which nobody classifies
//! at full size. Decoded RGBA at the limit is 1 GB, a quarter of wasm32's 4 GiB memory.

use super::format::Format;
use super::size::Size;
use crate::error::{Error, Result};
pub use crate::pixels::MAX_SIDE;

/// The most pixels a file may declare: 250 megapixels.
pub const MAX_PIXELS: u64 = 250_000_000;

/// Whether `width` x `height` is within the limits.
pub fn admits(width: u64, height: u64) -> bool {
    width <= MAX_SIDE as u64 && height <= MAX_SIDE as u64 && width * height <= MAX_PIXELS
}

/// `Ok` if the `format` file `bytes` declares a size within the limits; the error names
/// `name`, the size and the limit.
pub fn check(name: &str, format: Format, bytes: &[u8]) -> Result<Size> {
    let Some((width, height)) = (format.spec().size)(bytes) else {
        return Err(Error::Decode {
            path: name.to_string(),
            reason: format!("the {} file's header declares no image size", format.name()),
        });
    };
    check_size(name, width, height)?;
    Ok((width, height))
}

/// `Ok` if `width` x `height` is within the limits (a decoder's own reading of a file).
pub fn check_size(name: &str, width: u32, height: u32) -> Result<()> {
    if admits(width as u64, height as u64) {
        Ok(())
    } else {
        Err(Error::TooLarge {
            path: name.to_string(),
            width,
            height,
            max_pixels: MAX_PIXELS,
            max_side: MAX_SIDE,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_camera_photo_is_admitted_and_larger_files_are_not() {
        for (w, h) in [(16320, 12240), (14204, 10652), (19008, 12672), (32768, 1)] {
            assert!(admits(w, h), "{w}x{h}");
        }
        for (w, h) in [(16383, 16383), (30000, 30000), (32769, 1), (65535, 65535)] {
            assert!(!admits(w, h), "{w}x{h}");
        }
    }

    #[test]
    fn a_refusal_names_the_file_the_size_and_the_limit() {
        let e = check_size("bomb.webp", 16383, 16383).unwrap_err();
        assert_eq!(e.code(), "BAD_IMAGE");
        let msg = e.to_string();
        for part in ["bomb.webp", "16383x16383", "268 MP", "250 MP", "32768"] {
            assert!(msg.contains(part), "{part}: {msg}");
        }
    }
}
