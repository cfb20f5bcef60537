//! What an encoded image is, from its bytes, without decoding it: the built-in formats'
//! signatures ([`super::format`] registers them) and a JPEG's header.

pub fn is_jpeg(b: &[u8]) -> bool {
    b.starts_with(&[0xFF, 0xD8, 0xFF])
}

pub fn is_png(b: &[u8]) -> bool {
    b.starts_with(b"\x89PNG\r\n\x1A\n")
}

pub fn is_gif(b: &[u8]) -> bool {
    matches!(b, [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..])
}

pub fn is_webp(b: &[u8]) -> bool {
    matches!(
        b,
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..
        ]
    )
}

/// What a JPEG's header segments say, up to its first scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JpegHeader {
    /// offset of the first start-of-scan marker
    pub first_scan: usize,
    /// the frame's colour components (1 grey, 3 YCbCr or RGB, 4 CMYK or YCCK), if a
    /// start-of-frame came before the scan
    pub components: Option<u8>,
    /// the frame's width and height (the largest, were there several)
    pub size: Option<(u32, u32)>,
    /// the last start-of-frame marker (C0 baseline ... C3 lossless): a camera RAW holds
    /// lossless JPEGs of its sensor data beside its previews
    pub frame: Option<u8>,
}

/// Walks the header segments by their lengths to the first SOS; `None` if the bytes end
/// first or are not well-formed.
pub fn jpeg_header(b: &[u8]) -> Option<JpegHeader> {
    let mut i = 2;
    let mut components = None;
    let mut size: Option<(u32, u32)> = None;
    let mut frame = None;
    loop {
        // markers may be padded with any number of FFs
        while b.get(i)? == &0xFF && b.get(i + 1)? == &0xFF {
            i += 1;
        }
        if b.get(i)? != &0xFF {
            return None;
        }
        let marker = *b.get(i + 1)?;
        match marker {
            0xDA => {
                return Some(JpegHeader {
                    first_scan: i,
                    components,
                    size,
                    frame,
                })
            }
            0xD9 => return None,          // EOI before any scan: no image data
            0x01 | 0xD0..=0xD7 => i += 2, // stand-alone markers
            _ => {
                let len = u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]) as usize;
                if len < 2 {
                    return None;
                }
                // SOF0..SOF15 but DHT (C4), JPG (C8) and DAC (CC): length, precision,
                // height, width, component count
                if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
                    components = Some(*b.get(i + 9)?);
                    frame = Some(marker);
                    let side = |at: usize| Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]));
                    let (h, w) = (side(i + 5)? as u32, side(i + 7)? as u32);
                    let (w0, h0) = size.unwrap_or((0, 0));
                    size = Some((w.max(w0), h.max(h0)));
                }
                i += 2 + len;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jpeg_header_gives_its_first_scan_and_component_count() {
        // SOI, SOF0 (8-bit, 1x1, 3 components), SOS
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 8, 0, 1, 0, 1, 3];
        b.extend([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        let sos = b.len();
        b.extend([0xFF, 0xDA, 0x00, 0x02]);
        let h = jpeg_header(&b).unwrap();
        assert_eq!((h.first_scan, h.components), (sos, Some(3)));
        assert_eq!(h.size, Some((1, 1)));
        assert_eq!(jpeg_header(&b[..sos]), None);
    }
}
