//! Mutations of real files, as a fuzzer makes them, from a seeded generator: the same seed
//! gives the same inputs, so a failure in CI is reproduced by its seed and index.

use effnet::decode::format::Format;
use effnet::decode::limits::{MAX_PIXELS, MAX_SIDE};

use super::bombs::{crc32, set_size};

/// xorshift64*: small, fast, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

const INTERESTING: [u32; 10] = [
    0,
    1,
    0x7F,
    0x80,
    0xFF,
    0x100,
    0x7FFF,
    0x8000,
    0xFFFF,
    u32::MAX,
];

/// `seed` with one to four mutations stacked; `other` is spliced from.
pub fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        if b.is_empty() {
            break;
        }
        let at = rng.below(b.len());
        match rng.below(9) {
            0 => b[at] ^= 1 << rng.below(8),
            1 => b[at] = INTERESTING[rng.below(INTERESTING.len())] as u8,
            2 => {
                let v = INTERESTING[rng.below(INTERESTING.len())];
                let v = if rng.one_in(2) {
                    v.to_be_bytes()
                } else {
                    v.to_le_bytes()
                };
                let n = [2, 4][rng.below(2)];
                let end = (at + n).min(b.len());
                b[at..end].copy_from_slice(&v[4 - (end - at)..]);
            }
            3 => {
                let end = (at + 1 + rng.below(64)).min(b.len());
                b.drain(at..end);
            }
            4 => {
                let junk: Vec<u8> = (0..1 + rng.below(32)).map(|_| rng.next() as u8).collect();
                b.splice(at..at, junk);
            }
            5 => {
                let end = (at + 1 + rng.below(256)).min(b.len());
                let copy = b[at..end].to_vec();
                let to = rng.below(b.len());
                b.splice(to..to, copy);
            }
            6 if !other.is_empty() => {
                let from = rng.below(other.len());
                let end = (from + 1 + rng.below(512)).min(other.len());
                let end_here = (at + (end - from)).min(b.len());
                b.splice(at..end_here, other[from..end].iter().copied());
            }
            7 => {
                for _ in 0..1 + rng.below(16) {
                    let i = rng.below(b.len());
                    b[i] = rng.next() as u8;
                }
            }
            _ => {
                let size = declared_size(rng);
                set_size(&mut b, size, rng.one_in(2));
            }
        }
    }
    make_good(rng, &mut b);
    b
}

/// A size for a header: over the limits half the time (refused before decoding), else small
/// enough to decode quickly.
fn declared_size(rng: &mut Rng) -> (u32, u32) {
    if rng.one_in(2) {
        let side = |rng: &mut Rng| 1 + rng.below(65535) as u32;
        loop {
            let (w, h) = (side(rng), side(rng));
            if w > MAX_SIDE || h > MAX_SIDE || w as u64 * h as u64 > MAX_PIXELS {
                return (w, h);
            }
        }
    } else {
        (1 + rng.below(2048) as u32, 1 + rng.below(2048) as u32)
    }
}

/// Most of the time, the checks a decoder meets first made good again (PNG's CRCs, WebP's
/// RIFF length, the end markers), so that mutations reach past them into the decoders.
fn make_good(rng: &mut Rng, b: &mut Vec<u8>) {
    if rng.one_in(4) {
        return;
    }
    match Format::sniff(b) {
        Some(Format::Png) => {
            let mut i = 8;
            while let Some(len) = b.get(i..i + 4) {
                let len = u32::from_be_bytes(len.try_into().unwrap()) as usize;
                let Some(end) = i.checked_add(8 + len).filter(|&e| e + 4 <= b.len()) else {
                    break;
                };
                let crc = crc32(&b[i + 4..end]);
                b[end..end + 4].copy_from_slice(&crc.to_be_bytes());
                i = end + 4;
            }
        }
        Some(Format::WebP) => {
            let len = (b.len() - 8) as u32;
            b[4..8].copy_from_slice(&len.to_le_bytes());
        }
        Some(Format::Jpeg) if !b.ends_with(&[0xFF, 0xD9]) => b.extend([0xFF, 0xD9]),
        Some(Format::Gif) if b.last() != Some(&0x3B) => b.push(0x3B),
        _ => {}
    }
}
