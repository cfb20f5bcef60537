//! Is an encoded image whole? Decoders give a file cut short its full size and make up the
//! rest without an error: the `image` crate fills a JPEG with grey, libjpeg only warns, and of
//! the browsers' `createImageBitmap`, Firefox 153 paints the missing part white and WebKitGTK
//! 2.50 transparent (Chromium 156 rejects it, saying only "could not be decoded"). A truncated
//! photo would be tagged as if it were whole; PIL raises "image file is truncated". So the
//! container's own end is checked before any decoding, on every host: natively, in Node, and
//! in the browser's worker (through wasm).

use super::format::Format;
use super::sniff::jpeg_header;

/// `Err(reason)` if `bytes` (of a sniffed `format`) end before the image does.
pub fn check(format: Format, bytes: &[u8]) -> Result<(), String> {
    if (format.spec().is_whole)(bytes) {
        Ok(())
    } else {
        Err(format!(
            "the {} file is truncated: it ends before its image does ({} bytes)",
            format.name(),
            bytes.len()
        ))
    }
}

/// An end-of-image marker (FF D9) after the first start-of-scan. Entropy-coded data cannot
/// hold one (a coded FF is always followed by 00 or a restart marker), so a file cut anywhere
/// in its scans has none; an EXIF thumbnail's EOI comes before the first SOS. Data after the
/// EOI (some cameras append more) is allowed, as decoders ignore it.
pub(super) fn jpeg_has_end(b: &[u8]) -> bool {
    let Some(sos) = jpeg_header(b).map(|h| h.first_scan) else {
        return false;
    };
    // from the end: in a whole file the marker is in its last bytes, so a camera photo's
    // megabytes are not scanned (the tagger checks every photo)
    b[sos..].windows(2).rev().any(|w| w == [0xFF, 0xD9])
}

/// An IEND chunk, found by walking the chunks by their lengths (a cut inside IDAT leaves
/// none). Anything after IEND is ignored, as decoders do.
pub(super) fn png_has_end(b: &[u8]) -> bool {
    let mut i = 8;
    while let Some(head) = b.get(i..i + 8) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let end = i.saturating_add(12).saturating_add(len); // length, type, data, CRC
        if end > b.len() {
            return false;
        }
        if &head[4..8] == b"IEND" {
            return true;
        }
        i = end;
    }
    false
}

/// The trailer byte (3B) closes a GIF; encoders write it last.
pub(super) fn gif_has_end(b: &[u8]) -> bool {
    b.len() > 13 && b.last() == Some(&0x3B)
}

/// The RIFF header states the file's length; a shorter file was cut. So was one whose chunks
/// run past that length: the `image` crate allocates what a chunk says it holds (the fuzzer
/// found a 4 KB file asking for 200 MB that way, tests/rust/fuzz/).
pub(super) fn webp_has_end(b: &[u8]) -> bool {
    let le32 = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize;
    if b.len() < 12 {
        return false;
    }
    let end = le32(4).saturating_add(8);
    if b.len() < end {
        return false;
    }
    let mut i = 12;
    while i + 8 <= end {
        let len = le32(i + 4);
        let data_end = (i + 8).saturating_add(len);
        if data_end > end {
            return false;
        }
        i = data_end + (len & 1); // chunks are padded to an even length
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(scan: &[u8]) -> Vec<u8> {
        // SOI, an APP0 of 16 bytes, an SOS of 8, then `scan`
        let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        v.extend([0u8; 14]);
        v.extend([0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 63, 0]);
        v.extend(scan);
        v
    }

    #[test]
    fn a_jpeg_needs_an_end_marker_after_its_first_scan() {
        assert!(check(Format::Jpeg, &jpeg(&[1, 2, 0xFF, 0x00, 3, 0xFF, 0xD9])).is_ok());
        assert!(check(Format::Jpeg, &jpeg(&[1, 2, 0xFF, 0xD9, 0, 0, 9])).is_ok());
        let cut = check(Format::Jpeg, &jpeg(&[1, 2, 0xFF, 0x00, 3])).unwrap_err();
        assert!(cut.contains("JPEG file is truncated"), "{cut}");
        // an end marker inside a header segment (a thumbnail) does not count
        let mut thumb = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD9, 0, 0];
        thumb.extend([0xFF, 0xDA, 0x00, 0x02, 5, 6]);
        assert!(check(Format::Jpeg, &thumb).is_err());
        // cut inside the headers
        assert!(check(Format::Jpeg, &jpeg(&[])[..12]).is_err());
    }

    #[test]
    fn a_png_needs_its_iend_chunk() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend([0, 0, 0, 3]);
        png.extend(b"IDAT\x01\x02\x03\0\0\0\0");
        let cut = png.clone();
        png.extend([0, 0, 0, 0]);
        png.extend(b"IEND\xAE\x42\x60\x82");
        assert!(check(Format::Png, &png).is_ok());
        assert!(check(Format::Png, &cut).is_err());
        assert!(check(Format::Png, &png[..png.len() - 2]).is_err());
        // "IEND" inside a chunk's data is not the end
        let mut fake = b"\x89PNG\r\n\x1a\n".to_vec();
        fake.extend([0, 0, 0, 8]);
        fake.extend(b"IDATIEND\xAE\x42\x60\x82");
        assert!(check(Format::Png, &fake).is_err());
    }

    #[test]
    fn gif_and_webp_ends() {
        let mut gif = b"GIF89a".to_vec();
        gif.extend([0u8; 10]);
        assert!(check(Format::Gif, &gif).is_err());
        gif.push(0x3B);
        assert!(check(Format::Gif, &gif).is_ok());
        let mut webp = b"RIFF\x10\0\0\0WEBPVP8 \x04\0\0\0".to_vec();
        assert!(check(Format::WebP, &webp).is_err());
        webp.extend([0u8; 4]);
        assert!(check(Format::WebP, &webp).is_ok());
        // a chunk that says it goes on past the file's end
        webp[16] = 0xFF;
        assert!(check(Format::WebP, &webp).is_err());
    }
}
