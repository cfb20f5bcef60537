//! Fujifilm's RAF: a fixed header ("FUJIFILMCCD-RAW ", format and camera, then big-endian
//! offsets and lengths) whose first pair (at 84) is the embedded JPEG, a full JPEG with its
//! own EXIF (the orientation is there: RAF has no other); then the CFA header and data.

use super::bytes::{be32, span};
use super::{Found, Raw};

/// (offset, length) pairs of the header: the JPEG, the CFA header, the CFA data.
const JPEG: usize = 84;
const CFA_HEADER: usize = 92;
const CFA: usize = 100;

fn extent(b: &[u8], at: usize) -> Option<std::ops::Range<usize>> {
    span(be32(b, at)? as usize, be32(b, at + 4)? as usize)
}

pub struct Raf;

impl Raw for Raf {
    const NAME: &'static str = "RAF";

    fn sniff(b: &[u8]) -> bool {
        b.starts_with(b"FUJIFILMCCD-RAW ")
    }

    fn scan(b: &[u8]) -> Result<Found, String> {
        let jpeg = extent(b, JPEG).ok_or("its header is cut short")?;
        Ok(Found {
            previews: vec![jpeg],
            orientation: None,
        })
    }

    /// The JPEG and the CFA data the header points to lie within the file.
    fn is_whole(b: &[u8]) -> bool {
        [JPEG, CFA_HEADER, CFA]
            .iter()
            .all(|&at| extent(b, at).is_some_and(|r| r.end <= b.len()))
    }
}
