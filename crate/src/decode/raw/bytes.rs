//! Bounds-checked reads for the RAW parsers: every offset in a RAW file is data, and a wrong
//! one must be `None`, never a panic (a panic in wasm traps the worker).

use std::ops::Range;

pub fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

pub fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

pub fn be64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

pub fn u16_at(b: &[u8], at: usize, le: bool) -> Option<u16> {
    let v: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(if le {
        u16::from_le_bytes(v)
    } else {
        u16::from_be_bytes(v)
    })
}

pub fn u32_at(b: &[u8], at: usize, le: bool) -> Option<u32> {
    let v: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(if le {
        u32::from_le_bytes(v)
    } else {
        u32::from_be_bytes(v)
    })
}

/// `start..start + len`, if it does not overflow (whether it lies within a file is the
/// caller's to judge).
pub fn span(start: usize, len: usize) -> Option<Range<usize>> {
    Some(start..start.checked_add(len)?)
}
