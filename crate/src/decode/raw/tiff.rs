//! The TIFF-based RAW files (DNG, CR2, NEF, ARW, ORF, RW2): their previews found through the
//! standard tags of their IFDs, SubIFDs and chained IFDs (JPEGInterchangeFormat, a single
//! JPEG-compressed strip, Panasonic's JpgFromRaw), and Olympus's one maker-note preview
//! (an ORF's IFDs hold only a 160x120 thumbnail). The orientation is IFD0's.

use std::ops::Range;

use super::bytes::{span, u16_at, u32_at};
use super::{Found, Raw};

/// The TIFF structure of `b`, with offsets counted from `base` (0 for a TIFF file; the
/// start of a maker note, or of a TIFF inside a CR3 box, for those).
#[derive(Clone, Copy)]
pub struct Tiff<'a> {
    b: &'a [u8],
    le: bool,
    base: usize,
}

/// One IFD entry: its tag, type, count and where its value's bytes start in the file.
#[derive(Clone, Copy)]
pub struct Entry {
    pub tag: u16,
    pub typ: u16,
    pub count: u32,
    pub data: usize,
}

/// IFDs visited at most per file (a loop of IFD offsets is cut short by it too).
const MAX_IFDS: usize = 64;
/// Values read at most from one entry (strip offsets of a raw image run to thousands).
const MAX_VALUES: usize = 4096;

impl<'a> Tiff<'a> {
    /// A TIFF header at `base` ("II" or "MM", a 16-bit magic of any vendor's) and its first
    /// IFD's offset in the file.
    pub fn at(b: &'a [u8], base: usize) -> Option<(Self, usize)> {
        let le = match b.get(base..base.checked_add(2)?)? {
            b"II" => true,
            b"MM" => false,
            _ => return None,
        };
        let t = Tiff { b, le, base };
        let first = t.offset(u32_at(b, base + 4, le)?)?;
        Some((t, first))
    }

    fn offset(&self, v: u32) -> Option<usize> {
        self.base.checked_add(v as usize)
    }

    pub fn u16(&self, at: usize) -> Option<u16> {
        u16_at(self.b, at, self.le)
    }

    pub fn u32(&self, at: usize) -> Option<u32> {
        u32_at(self.b, at, self.le)
    }

    /// The entries of the IFD at `at` and the offset of the next IFD (0: none); `None` if
    /// the IFD does not lie within the file.
    pub fn ifd(&self, at: usize) -> Option<(Vec<Entry>, u32)> {
        let n = self.u16(at)? as usize;
        let end = at.checked_add(2 + 12 * n)?;
        self.b.get(at..end)?;
        let entries = (0..n).filter_map(|i| self.entry(at + 2 + 12 * i)).collect();
        Some((entries, self.u32(end).unwrap_or(0)))
    }

    fn entry(&self, at: usize) -> Option<Entry> {
        let (tag, typ, count) = (self.u16(at)?, self.u16(at + 2)?, self.u32(at + 4)?);
        let size: usize = match typ {
            3 | 8 => 2,
            4 | 9 | 11 | 13 => 4,
            5 | 10 | 12 => 8,
            _ => 1,
        };
        let data = match size.checked_mul(count as usize)? {
            0..=4 => at + 8,
            _ => self.offset(self.u32(at + 8)?)?,
        };
        Some(Entry {
            tag,
            typ,
            count,
            data,
        })
    }

    /// An entry's SHORT or LONG (or IFD) values, as many as lie within the file.
    pub fn values(&self, e: &Entry) -> Vec<u32> {
        let n = (e.count as usize).min(MAX_VALUES);
        match e.typ {
            3 | 8 => (0..n)
                .map_while(|i| self.u16(e.data.checked_add(2 * i)?).map(u32::from))
                .collect(),
            4 | 9 | 13 => (0..n)
                .map_while(|i| self.u32(e.data.checked_add(4 * i)?))
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn first(&self, e: &Entry) -> Option<u32> {
        self.values(e).first().copied()
    }

    /// An entry's bytes (ASCII, UNDEFINED), within the file.
    pub fn bytes(&self, e: &Entry) -> Option<&'a [u8]> {
        self.b.get(span(e.data, e.count as usize)?)
    }
}

fn find(entries: &[Entry], tag: u16) -> Option<&Entry> {
    entries.iter().find(|e| e.tag == tag)
}

/// IFD0's Orientation (1-8) of the TIFF at `base` of `b`.
pub fn orientation(b: &[u8], base: usize) -> Option<u16> {
    let (t, ifd0) = Tiff::at(b, base)?;
    let (entries, _) = t.ifd(ifd0)?;
    Some(t.first(find(&entries, 0x0112)?)? as u16)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dng,
    Cr2,
    Nef,
    Arw,
    Orf,
    Rw2,
}

/// Which TIFF-based RAW `b` is: by its header (CR2's "CR" and version after it, ORF's and
/// RW2's own magic numbers), else by IFD0 (DNGVersion, or the camera's Make). A TIFF that is
/// none of these (a scan, an export) is not claimed.
pub fn kind(b: &[u8]) -> Option<Kind> {
    match b.get(0..4)? {
        b"IIRO" | b"IIRS" | b"MMOR" => return Some(Kind::Orf),
        b"IIU\0" => return Some(Kind::Rw2),
        b"II*\0" | b"MM\0*" => {}
        _ => return None,
    }
    if b.get(8..11) == Some(b"CR\x02") {
        return Some(Kind::Cr2);
    }
    let (t, ifd0) = Tiff::at(b, 0)?;
    let (entries, _) = t.ifd(ifd0)?;
    if find(&entries, 0xC612).is_some() {
        return Some(Kind::Dng);
    }
    let make = t.bytes(find(&entries, 0x010F)?)?;
    if make.starts_with(b"NIKON") {
        Some(Kind::Nef)
    } else if make.starts_with(b"SONY") {
        Some(Kind::Arw)
    } else {
        None
    }
}

/// What a walk over every IFD found: the previews, IFD0's orientation and the furthest end
/// of any image data an IFD declares (past the file's end: the file was cut).
#[derive(Default)]
struct Walk {
    previews: Vec<Range<usize>>,
    orientation: Option<u16>,
    data_end: usize,
    visited: Vec<usize>,
}

impl Walk {
    fn run(b: &[u8]) -> Option<Walk> {
        let (t, ifd0) = Tiff::at(b, 0)?;
        let mut w = Walk::default();
        // IFD0 must be readable; the rest is best effort, as a reader of a damaged file does
        let (entries, _) = t.ifd(ifd0)?;
        w.orientation = find(&entries, 0x0112)
            .and_then(|e| t.first(e))
            .map(|v| v as u16);
        let mut next = ifd0;
        for _ in 0..16 {
            match w.visit(&t, next, 0) {
                Some(n) if n != 0 => next = t.offset(n)?,
                _ => break,
            }
        }
        Some(w)
    }

    /// Reads the IFD at `at` (its SubIFDs, EXIF IFD and maker note below it); gives the
    /// next IFD's offset in the chain.
    fn visit(&mut self, t: &Tiff, at: usize, depth: u8) -> Option<u32> {
        if depth > 3 || self.visited.len() >= MAX_IFDS || self.visited.contains(&at) {
            return None;
        }
        self.visited.push(at);
        let (entries, next) = t.ifd(at)?;
        let value = |tag| find(&entries, tag).and_then(|e| t.first(e));
        let values = |tag| find(&entries, tag).map(|e| t.values(e)).unwrap_or_default();
        // JPEGInterchangeFormat and its length: ARW's and CR2's IFD1, NEF's SubIFD, DNG's
        if let (Some(off), Some(len)) = (value(0x0201), value(0x0202)) {
            self.preview(t.offset(off).and_then(|s| span(s, len as usize)));
        }
        // strips (and tiles): a single JPEG-compressed strip is a preview (CR2's IFD0, DNG's
        // SubIFDs); a lossless raw one is told apart by its frame type when chosen
        for (offsets, counts) in [(0x0111, 0x0117), (0x0144, 0x0145)] {
            let (offs, lens) = (values(offsets), values(counts));
            for (&o, &n) in offs.iter().zip(&lens) {
                let end = t.offset(o).and_then(|s| s.checked_add(n as usize));
                self.data_end = self.data_end.max(end.unwrap_or(usize::MAX));
            }
            if let (Some(6 | 7), [o], [n]) = (value(0x0103), &offs[..], &lens[..]) {
                self.preview(t.offset(*o).and_then(|s| span(s, *n as usize)));
            }
        }
        // Panasonic's JpgFromRaw: the JPEG is the tag's value
        if let Some(e) = find(&entries, 0x002E) {
            self.preview(span(e.data, e.count as usize));
        }
        for sub in values(0x014A) {
            if let Some(at) = t.offset(sub) {
                self.visit(t, at, depth + 1);
            }
        }
        if let Some(exif) = value(0x8769).and_then(|v| t.offset(v)) {
            if !self.visited.contains(&exif) && self.visited.len() < MAX_IFDS {
                self.visited.push(exif);
                if let Some((exif_entries, _)) = t.ifd(exif) {
                    if let Some(mn) = find(&exif_entries, 0x927C) {
                        self.olympus(t, mn);
                    }
                }
            }
        }
        Some(next)
    }

    fn preview(&mut self, r: Option<Range<usize>>) {
        if let Some(r) = r {
            self.data_end = self.data_end.max(r.end);
            self.previews.push(r);
        }
    }

    /// Olympus's maker note: "OLYMPUS\0" + its own byte order, offsets from the note's
    /// start (the old "OLYMP\0" kind: from the TIFF's), whose CameraSettings IFD (0x2020)
    /// gives PreviewImageStart (0x0101) and PreviewImageLength (0x0102).
    fn olympus(&mut self, t: &Tiff, mn: &Entry) {
        let b = t.b;
        let Some(note) = b.get(span(mn.data, mn.count as usize).unwrap_or(0..0)) else {
            return;
        };
        let (inner, ifd) = if note.starts_with(b"OLYMPUS\0") {
            match Tiff::at(b, mn.data + 8) {
                Some((mut inner, _)) => {
                    inner.base = mn.data;
                    (inner, mn.data + 12)
                }
                None => return,
            }
        } else if note.starts_with(b"OLYMP\0") {
            (*t, mn.data + 8)
        } else {
            return;
        };
        let Some((entries, _)) = inner.ifd(ifd) else {
            return;
        };
        let Some(settings) = find(&entries, 0x2020) else {
            return;
        };
        // an IFD pointer, or (older files) the IFD itself as the value
        let at = match settings.typ {
            7 => Some(settings.data),
            _ => inner.first(settings).and_then(|v| inner.offset(v)),
        };
        let Some((entries, _)) = at.and_then(|at| inner.ifd(at)) else {
            return;
        };
        let value = |tag| find(&entries, tag).and_then(|e| inner.first(e));
        if let (Some(off), Some(len)) = (value(0x0101), value(0x0102)) {
            self.preview(inner.offset(off).and_then(|s| span(s, len as usize)));
        }
    }
}

fn scan(b: &[u8]) -> Result<Found, String> {
    let w = Walk::run(b).ok_or("its TIFF header or first IFD cannot be read")?;
    Ok(Found {
        previews: w.previews,
        orientation: w.orientation,
    })
}

/// Every strip, tile and preview an IFD declares ends within the file.
fn is_whole(b: &[u8]) -> bool {
    Walk::run(b).is_some_and(|w| w.data_end <= b.len())
}

macro_rules! tiff_raw {
    ($ty:ident, $kind:ident, $name:literal) => {
        pub struct $ty;
        impl Raw for $ty {
            const NAME: &'static str = $name;
            fn sniff(b: &[u8]) -> bool {
                kind(b) == Some(Kind::$kind)
            }
            fn scan(b: &[u8]) -> Result<Found, String> {
                scan(b)
            }
            fn is_whole(b: &[u8]) -> bool {
                is_whole(b)
            }
        }
    };
}

tiff_raw!(Dng, Dng, "DNG");
tiff_raw!(Cr2, Cr2, "CR2");
tiff_raw!(Nef, Nef, "NEF");
tiff_raw!(Arw, Arw, "ARW");
tiff_raw!(Orf, Orf, "ORF");
tiff_raw!(Rw2, Rw2, "RW2");
