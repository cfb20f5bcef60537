//! HEIC/HEIF photos (an iPhone's default): an ISO-BMFF container of HEVC pictures, often a
//! grid of tiles, turned upright by its `irot`/`imir`. Decoded by the `effnet-heic` crate
//! (heic-rs, pure Rust, MIT OR Apache-2.0): natively here, to pixels; in wasm the file is left
//! to the JS host (the browser's own decoder where it has one, else the same crate built as a
//! separate wasm module fetched only when a HEIC file appears: www/src/shared/heic.js), so
//! the main wasm carries only the header reading below.

use super::format::Content;
use super::size::Size;

/// The `ftyp` brands of HEVC-coded HEIF. `mif1` alone is not enough: AVIF files carry it too.
const BRANDS: [&[u8; 4]; 6] = [b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"];

/// An `ftyp` box first, naming an HEVC brand (major or compatible).
pub fn sniff(b: &[u8]) -> bool {
    if b.len() < 16 || &b[4..8] != b"ftyp" {
        return false;
    }
    let len = (u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize).min(b.len());
    let mut brands = std::iter::once(&b[8..12]).chain(b[16.min(len)..len].chunks_exact(4));
    let has = |list: &[&[u8; 4]], brand: &[u8]| list.iter().any(|h| brand == &h[..]);
    if brands.clone().any(|brand| has(&BRANDS, brand)) {
        return true;
    }
    // libheif writes a grid with `mif1` and `miaf` only: HEVC if its items are (`hvc1`)
    brands
        .clone()
        .any(|brand| has(&[b"mif1", b"msf1", b"miaf"], brand))
        && !brands.any(|brand| has(&[b"avif", b"avis"], brand))
        && b[..b.len().min(1 << 16)].windows(4).any(|w| w == b"hvc1")
}

/// The top-level boxes reach the end of the file exactly: a file cut short ends inside one
/// (its `mdat`, which holds the pictures, is last in every encoder's output).
pub fn is_whole(b: &[u8]) -> bool {
    let mut at = 0usize;
    while at < b.len() {
        let Some(head) = b.get(at..at + 8) else {
            return false;
        };
        let size = match u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as u64 {
            0 => return true, // the box runs to the end of the file
            1 => match b.get(at + 8..at + 16) {
                Some(l) => u64::from_be_bytes(l.try_into().expect("8 bytes")),
                None => return false,
            },
            n => n,
        };
        if size < 8 || size > (b.len() - at) as u64 {
            return false;
        }
        at += size as usize;
    }
    true
}

/// The primary image's upright size, from the `ispe` of its item (or its grid's).
pub fn size(b: &[u8]) -> Option<Size> {
    effnet_heic::size(b)
}

#[cfg(not(target_arch = "wasm32"))]
pub fn open(b: &[u8]) -> Result<Content<'_>, String> {
    let img = effnet_heic::decode(b).map_err(|e| e.to_string())?;
    Ok(Content::Pixels(super::DecodedImage {
        width: img.width,
        height: img.height,
        rgba: img.data,
    }))
}

/// The JS host decodes it (module comment).
#[cfg(target_arch = "wasm32")]
pub fn open(_: &[u8]) -> Result<Content<'_>, String> {
    Ok(Content::Image)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let len = 16 + 4 * compatible.len();
        let mut b = (len as u32).to_be_bytes().to_vec();
        b.extend_from_slice(b"ftyp");
        b.extend_from_slice(major);
        b.extend_from_slice(&[0; 4]);
        compatible.iter().for_each(|c| b.extend_from_slice(&c[..]));
        b
    }

    #[test]
    fn hevc_brands_only() {
        assert!(sniff(&ftyp(b"heic", &[b"mif1"])));
        assert!(sniff(&ftyp(b"mif1", &[b"heic"])));
        assert!(!sniff(&ftyp(b"avif", &[b"mif1"])));
        assert!(!sniff(&ftyp(b"isom", &[b"mp41"])));
        let mut grid = ftyp(b"mif1", &[b"mif1", b"miaf"]);
        assert!(!sniff(&grid));
        grid.extend_from_slice(b"....infe....hvc1");
        assert!(sniff(&grid));
    }

    #[test]
    fn whole_when_the_boxes_reach_the_end() {
        let mut b = ftyp(b"heic", &[b"mif1"]);
        assert!(is_whole(&b));
        b.extend_from_slice(&[0, 0, 0, 16, b'm', b'd', b'a', b't', 1, 2, 3]);
        assert!(!is_whole(&b));
    }
}
