//! The size an image file declares, read from its headers without decoding: what
//! [`super::limits`] judges before any decoder (ours, the `image` crate's, a browser's)
//! allocates for it. Each reader gives the largest image the file declares, a frame larger
//! than its canvas included (GIF and WebP frames state their own sizes); `None` if the
//! headers that carry the size are missing or malformed.

use super::sniff::jpeg_header;

/// Width and height in pixels.
pub type Size = (u32, u32);

pub fn jpeg(b: &[u8]) -> Option<Size> {
    jpeg_header(b)?.size
}

/// IHDR, which must be the first chunk.
pub fn png(b: &[u8]) -> Option<Size> {
    if b.get(12..16)? != b"IHDR" {
        return None;
    }
    Some((be32(b, 16)?, be32(b, 20)?))
}

/// The logical screen and every image descriptor: a frame may declare itself larger than the
/// screen, and some decoders size their buffers by the frame.
pub fn gif(b: &[u8]) -> Option<Size> {
    let mut size = (le16(b, 6)?, le16(b, 8)?);
    // the frames are best effort: a walk that loses its way keeps what it found, and the
    // decoders judge the rest (their own limits hold too, `super::open_decoder`)
    let _ = gif_frames(b, |frame| size = larger(size, frame));
    Some(size)
}

fn gif_frames(b: &[u8], mut each: impl FnMut(Size)) -> Option<()> {
    let mut i = 13 + colour_table(*b.get(10)?);
    loop {
        match *b.get(i)? {
            0x21 => i = skip_sub_blocks(b, i + 2)?, // extension: label, then data sub-blocks
            0x2C => {
                each((le16(b, i + 5)?, le16(b, i + 7)?));
                // descriptor (10 bytes), local colour table, LZW code size, data sub-blocks
                i = skip_sub_blocks(b, i + 10 + colour_table(*b.get(i + 9)?) + 1)?;
            }
            _ => return Some(()), // the trailer (3B), or bytes the walk cannot read
        }
    }
}

/// VP8X's canvas, and every top-level VP8 or VP8L image chunk (an animation's frames lie
/// within the canvas, which libwebp and the `image` crate both enforce).
pub fn webp(b: &[u8]) -> Option<Size> {
    let mut size = None;
    let mut i = 12;
    while let (Some(fourcc), Some(len)) = (b.get(i..i + 4), le32(b, i + 4)) {
        let data = b.get(i + 8..)?;
        let here = match fourcc {
            b"VP8X" => Some((le24(data, 4)? + 1, le24(data, 7)? + 1)),
            b"VP8 " if data.get(3..6)? == [0x9D, 0x01, 0x2A] => {
                // 14 bits each; the top two are an upscaling hint
                Some((le16(data, 6)? & 0x3FFF, le16(data, 8)? & 0x3FFF))
            }
            b"VP8L" if *data.first()? == 0x2F => {
                let bits = le32(data, 1)?;
                Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
            }
            b"VP8 " | b"VP8L" => return None, // an image chunk without its signature
            _ => None,
        };
        size = match (size, here) {
            (Some(s), Some(h)) => Some(larger(s, h)),
            (s, h) => s.or(h),
        };
        // chunks are padded to an even length
        i = i
            .checked_add(8)?
            .checked_add(len as usize)?
            .checked_add(len as usize & 1)?;
    }
    size
}

/// The bounding size of two: each side at its largest, as a decoder that fits both would.
fn larger(a: Size, b: Size) -> Size {
    (a.0.max(b.0), a.1.max(b.1))
}

/// A GIF colour table's bytes, from the flags byte that announces it.
fn colour_table(flags: u8) -> usize {
    if flags & 0x80 != 0 {
        3 << ((flags & 7) + 1)
    } else {
        0
    }
}

/// Past a chain of data sub-blocks starting at `i` (a length byte, that many bytes, ..., 0).
fn skip_sub_blocks(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let n = *b.get(i)? as usize;
        i += 1 + n;
        if n == 0 {
            return Some(i);
        }
    }
}

fn le16(b: &[u8], i: usize) -> Option<u32> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?) as u32)
}

fn le24(b: &[u8], i: usize) -> Option<u32> {
    let s = b.get(i..i + 3)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], 0]))
}

fn le32(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

fn be32(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?))
}
