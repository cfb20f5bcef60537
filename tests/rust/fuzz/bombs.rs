//! Image bombs: small files that declare huge images. Each is a real file with its declared
//! size rewritten where its format keeps it ([`set_size`]), or, for the lossless WebP, a whole
//! valid image of any size in 30 bytes ([`webp_lossless`]).

use effnet::decode::format::Format;

/// Rewrites the size `bytes` declare (JPEG: the frame; PNG: IHDR, its CRC made good; GIF: the
/// screen, or with `gif_frame` the first frame; WebP: VP8X's canvas, or the VP8 or VP8L
/// frame). `false` if the bytes have no such header.
pub fn set_size(bytes: &mut [u8], (w, h): (u32, u32), gif_frame: bool) -> bool {
    let be16 = |v: u32| (v as u16).to_be_bytes();
    let le16 = |v: u32| (v as u16).to_le_bytes();
    let put = |b: &mut [u8], at: usize, v: &[u8]| match b.get_mut(at..at + v.len()) {
        Some(s) => {
            s.copy_from_slice(v);
            true
        }
        None => false,
    };
    match Format::sniff(bytes) {
        Some(Format::Jpeg) => match jpeg_frame(bytes) {
            Some(sof) => put(bytes, sof + 5, &be16(h)) && put(bytes, sof + 7, &be16(w)),
            None => false,
        },
        Some(Format::Png) if bytes.len() >= 33 => {
            put(bytes, 16, &w.to_be_bytes());
            put(bytes, 20, &h.to_be_bytes());
            let crc = crc32(&bytes[12..29]);
            put(bytes, 29, &crc.to_be_bytes())
        }
        Some(Format::Png) => false,
        Some(Format::Gif) if gif_frame => match gif_frame_at(bytes) {
            Some(d) => put(bytes, d + 5, &le16(w)) && put(bytes, d + 7, &le16(h)),
            None => false,
        },
        Some(Format::Gif) => put(bytes, 6, &le16(w)) && put(bytes, 8, &le16(h)),
        Some(Format::WebP) => match bytes.get(12..16) {
            Some(b"VP8X") => {
                let (w, h) = ((w - 1).to_le_bytes(), (h - 1).to_le_bytes());
                put(bytes, 24, &w[..3]) && put(bytes, 27, &h[..3])
            }
            Some(b"VP8 ") => put(bytes, 26, &le16(w)) && put(bytes, 28, &le16(h)),
            Some(b"VP8L") => {
                let Some(old) = bytes.get(21..25) else {
                    return false;
                };
                let old = u32::from_le_bytes(old.try_into().unwrap());
                let bits = (old & !0x0FFF_FFFF) | ((w - 1) & 0x3FFF) | (((h - 1) & 0x3FFF) << 14);
                put(bytes, 21, &bits.to_le_bytes())
            }
            _ => false,
        },
        // containers: the size they declare is their embedded image's
        Some(_) | None => false,
    }
}

/// The offset of a JPEG's first start-of-frame marker.
fn jpeg_frame(b: &[u8]) -> Option<usize> {
    let mut i = 2;
    while b.get(i)? == &0xFF {
        let marker = *b.get(i + 1)?;
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            return Some(i);
        }
        if marker == 0xDA {
            return None;
        }
        i += 2 + u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]) as usize;
    }
    None
}

/// The offset of a GIF's first image descriptor.
fn gif_frame_at(b: &[u8]) -> Option<usize> {
    let flags = *b.get(10)?;
    let mut i = 13
        + if flags & 0x80 != 0 {
            3 << ((flags & 7) + 1)
        } else {
            0
        };
    loop {
        match *b.get(i)? {
            0x2C => return Some(i),
            0x21 => {
                i += 2; // an extension: its label, then sub-blocks to a zero length
                while *b.get(i)? != 0 {
                    i += 1 + *b.get(i)? as usize;
                }
                i += 1;
            }
            _ => return None,
        }
    }
}

/// A valid lossless WebP of `w` x `h` opaque black pixels (each side 1 to 16384): every prefix
/// code has one symbol, so a pixel costs no bits and any size fits in 30 bytes.
pub fn webp_lossless(w: u32, h: u32) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.put(0x2F, 8); // signature
    bits.put(w - 1, 14);
    bits.put(h - 1, 14);
    bits.put(0, 4); // no alpha, version 0
    bits.put(0, 3); // no transform, no colour cache, no meta prefix codes
                    // green, red, blue, alpha, distance: a simple code of one symbol each
    for symbol in [0, 0, 0, 255, 0] {
        bits.put(1, 1);
        bits.put(0, 1);
        if symbol < 2 {
            bits.put(0, 1);
            bits.put(symbol, 1);
        } else {
            bits.put(1, 1);
            bits.put(symbol, 8);
        }
    }
    let mut data = bits.bytes;
    if data.len() % 2 == 1 {
        data.push(0);
    }
    let mut body = b"WEBPVP8L".to_vec();
    body.extend((data.len() as u32).to_le_bytes());
    body.extend(data);
    let mut file = b"RIFF".to_vec();
    file.extend((body.len() as u32).to_le_bytes());
    file.extend(body);
    file
}

#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    used: u32,
}

impl Bits {
    /// `n` bits of `v`, least significant first, as VP8L reads them.
    fn put(&mut self, v: u32, n: u32) {
        for k in 0..n {
            if self.used.is_multiple_of(8) {
                self.bytes.push(0);
            }
            let last = self.bytes.last_mut().unwrap();
            *last |= (((v >> k) & 1) as u8) << (self.used % 8);
            self.used += 1;
        }
    }
}

/// PNG's CRC-32 (ISO 3309), bit by bit: a few chunks, not worth a table.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}
