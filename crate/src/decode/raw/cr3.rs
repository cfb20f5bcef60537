//! Canon's CR3, an ISO-BMFF file (brand "crx "), read through its boxes as described by
//! Laurent Clévy's canon_cr3 notes and ExifTool: the 160x120 THMB in moov's Canon uuid box,
//! the 1620x1080 PRVW in the preview uuid box, and the full-size JPEG that is the first
//! sample of the track whose CRAW sample entry holds a JPEG box. The orientation is the
//! Orientation of CMT1, the TIFF IFD0 beside THMB.

use std::ops::Range;

use super::bytes::{be16, be32, be64, span};
use super::{tiff, Found, Raw};

const CANON: [u8; 16] = [
    0x85, 0xC0, 0xB6, 0x87, 0x82, 0x0F, 0x11, 0xE0, 0x81, 0x11, 0xF4, 0xCE, 0x46, 0x2B, 0x6A, 0x48,
];
const PREVIEW: [u8; 16] = [
    0xEA, 0xF4, 0x2B, 0x5E, 0x1C, 0x98, 0x4B, 0x88, 0xB9, 0xFB, 0xB7, 0xDC, 0x40, 0x6E, 0x4D, 0x16,
];

/// A box: its type, where it starts and where its payload runs.
struct Bx {
    typ: [u8; 4],
    start: usize,
    body: Range<usize>,
}

/// The boxes laid end to end in `b[range]`; stops at the first that does not fit (`whole`
/// says whether the walk reached the range's end).
fn boxes(b: &[u8], range: Range<usize>) -> (Vec<Bx>, bool) {
    let mut out = Vec::new();
    let mut at = range.start;
    let end = range.end.min(b.len());
    while at < end {
        let (Some(size), Some(typ)) = (be32(b, at), b.get(at + 4..at + 8)) else {
            return (out, false);
        };
        let typ: [u8; 4] = typ.try_into().unwrap_or_default();
        let (head, len) = match size {
            0 => (8, end - at),
            1 => match be64(b, at + 8) {
                Some(n) => (16, usize::try_from(n).unwrap_or(usize::MAX)),
                None => return (out, false),
            },
            n => (8, n as usize),
        };
        let Some(box_end) = at.checked_add(len).filter(|&e| len >= head && e <= end) else {
            return (out, false);
        };
        out.push(Bx {
            typ,
            start: at,
            body: at + head..box_end,
        });
        at = box_end;
    }
    (out, true)
}

fn child<'a>(list: &'a [Bx], typ: &[u8; 4]) -> Option<&'a Bx> {
    list.iter().find(|x| &x.typ == typ)
}

fn children(b: &[u8], x: &Bx, skip: usize) -> Vec<Bx> {
    boxes(b, x.body.start.saturating_add(skip)..x.body.end).0
}

/// A Canon preview box (THMB, PRVW): the JPEG's length at `len_at`, its bytes from 24.
fn canon_jpeg(b: &[u8], x: &Bx, len_at: usize) -> Option<Range<usize>> {
    let len = be32(b, x.start + len_at)?;
    span(x.start + 24, len as usize).filter(|r| r.end <= x.body.end)
}

/// The first sample of a trak whose sample entry is a CRAW holding a JPEG box.
fn jpeg_track(b: &[u8], trak: &Bx) -> Option<Range<usize>> {
    let mut x = children(b, trak, 0);
    for typ in [b"mdia", b"minf", b"stbl"] {
        let inner = child(&x, typ)?;
        x = children(b, inner, 0);
    }
    let stbl = x;
    // stsd: version and flags, entry count, then the sample entries
    let entries = children(b, child(&stbl, b"stsd")?, 8);
    let craw = child(&entries, b"CRAW")?;
    // CRAW: a visual sample entry (78 bytes after its header) and Canon's 4, then boxes
    let inner = boxes(b, craw.start.checked_add(90)?..craw.body.end).0;
    child(&inner, b"JPEG")?;
    let stsz = child(&stbl, b"stsz")?;
    let size = match be32(b, stsz.body.start + 4)? {
        0 => be32(b, stsz.body.start + 12)?,
        n => n,
    };
    let offset = match (child(&stbl, b"co64"), child(&stbl, b"stco")) {
        (Some(co), _) => usize::try_from(be64(b, co.body.start + 8)?).ok()?,
        (None, Some(co)) => be32(b, co.body.start + 8)? as usize,
        _ => return None,
    };
    span(offset, size as usize)
}

pub struct Cr3;

impl Raw for Cr3 {
    const NAME: &'static str = "CR3";

    fn sniff(b: &[u8]) -> bool {
        b.get(4..12) == Some(b"ftypcrx ")
    }

    fn scan(b: &[u8]) -> Result<Found, String> {
        let (top, _) = boxes(b, 0..b.len());
        let mut found = Found::default();
        for x in &top {
            match &x.typ {
                b"moov" => {
                    for m in children(b, x, 0) {
                        match &m.typ {
                            b"uuid" if b.get(m.body.start..m.body.start + 16) == Some(&CANON) => {
                                for c in children(b, &m, 16) {
                                    match &c.typ {
                                        b"THMB" => found.previews.extend(canon_jpeg(b, &c, 16)),
                                        b"CMT1" => {
                                            found.orientation = tiff::orientation(b, c.body.start);
                                        }
                                        _ => {}
                                    }
                                }
                            }
                            b"trak" => found.previews.extend(jpeg_track(b, &m)),
                            _ => {}
                        }
                    }
                }
                b"uuid" if b.get(x.body.start..x.body.start + 16) == Some(&PREVIEW) => {
                    // the uuid, then 8 bytes (a version and a count), then PRVW
                    for c in children(b, x, 24) {
                        if &c.typ == b"PRVW" && be16(b, c.start + 14).is_some() {
                            found.previews.extend(canon_jpeg(b, &c, 20));
                        }
                    }
                }
                _ => {}
            }
        }
        if top.is_empty() {
            return Err("its boxes cannot be read".into());
        }
        Ok(found)
    }

    /// The top-level boxes run to the file's end, none past it (mdat, last, is cut first).
    fn is_whole(b: &[u8]) -> bool {
        let (top, whole) = boxes(b, 0..b.len());
        whole && !top.is_empty()
    }
}
