//! Camera RAW files, read as digiKam and darktable show them: through the JPEG preview the
//! camera embeds, not the sensor data (demosaicking is a photo editor's job, and the camera's
//! own rendering is what its owner saw). Each format's module finds the previews its file
//! holds ([`Raw::scan`]); [`choose`] takes the largest that is a whole baseline or
//! progressive JPEG, falling back to the next largest when it is damaged, and the path
//! ([`super::open`]) refuses it if its short side is below what the model's resize needs.
//! The orientation is the RAW's own (IFD0's, CR3's CMT1) where the preview carries none.

mod bytes;
pub mod cr3;
pub mod raf;
pub mod tiff;

use std::ops::Range;

use super::complete::jpeg_has_end;
use super::format::{Content, Spec};
use super::size::Size;
use super::sniff::{is_jpeg, jpeg_header};

/// What a RAW file's structure says: where its JPEG previews are (unchecked) and its
/// orientation (EXIF 1-8), if it states one.
#[derive(Default)]
pub struct Found {
    pub previews: Vec<Range<usize>>,
    pub orientation: Option<u16>,
}

/// A RAW format's module.
pub trait Raw {
    const NAME: &'static str;
    fn sniff(b: &[u8]) -> bool;
    /// The previews and orientation; `Err(reason)` if the structure cannot be read.
    fn scan(b: &[u8]) -> Result<Found, String>;
    /// Whether the file goes on to the end of the data its structure declares.
    fn is_whole(b: &[u8]) -> bool;
}

/// The preview chosen: the largest whole JPEG of the file.
pub struct Preview<'a> {
    pub bytes: &'a [u8],
    pub size: Size,
    /// the RAW's orientation, where the preview's own EXIF states none
    pub orientation: Option<u16>,
    /// why a larger preview was passed over, if one was
    pub fallback: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("the {format} file cannot be read: {reason}")]
    Unreadable {
        format: &'static str,
        reason: String,
    },
    #[error(
        "the {format} file holds no embedded JPEG preview{}, and a camera RAW is classified \
         through its preview (its sensor data is not decoded)",
        note(fallback)
    )]
    Missing {
        format: &'static str,
        fallback: Option<String>,
    },
    #[error(
        "the {format} file's largest embedded JPEG preview is {}x{}{}, smaller than the \
         {min_short}-pixel short side the model needs",
        size.0, size.1, note(fallback)
    )]
    TooSmall {
        format: &'static str,
        size: Size,
        min_short: u32,
        fallback: Option<String>,
    },
}

fn note(fallback: &Option<String>) -> String {
    fallback
        .as_ref()
        .map_or(String::new(), |f| format!(" ({f})"))
}

/// The spec of a RAW format, for [`super::format`].
pub const fn spec<R: Raw>() -> Spec {
    Spec {
        name: R::NAME,
        sniff: R::sniff,
        is_whole: R::is_whole,
        size: size::<R>,
        open: open::<R>,
    }
}

/// The chosen preview's size; (0, 0) where there is none, for [`open`] to say why.
fn size<R: Raw>(b: &[u8]) -> Option<Size> {
    let preview = R::scan(b).ok().and_then(|f| choose(b, &f).ok());
    Some(preview.map_or((0, 0), |p| p.size))
}

fn open<R: Raw>(b: &[u8]) -> Result<Content<'_>, String> {
    let found = R::scan(b).map_err(|reason| {
        PreviewError::Unreadable {
            format: R::NAME,
            reason,
        }
        .to_string()
    })?;
    match choose(b, &found) {
        Ok(p) => Ok(Content::Preview(p)),
        Err(fallback) => Err(PreviewError::Missing {
            format: R::NAME,
            fallback,
        }
        .to_string()),
    }
}

/// A candidate's size if it is a JPEG the decoders read (baseline, extended or progressive;
/// not the lossless JPEG a CR2 or DNG stores its sensor data in), and whether it is whole.
fn jpeg_preview(b: &[u8]) -> Option<(Size, bool)> {
    if !is_jpeg(b) {
        return None;
    }
    let h = jpeg_header(b)?;
    let (w, ht) = h.size.filter(|&(w, h)| w > 0 && h > 0)?;
    if !matches!(h.frame, Some(0xC0..=0xC2)) || !matches!(h.components, Some(1 | 3)) {
        return None;
    }
    Some(((w, ht), jpeg_has_end(b)))
}

/// The largest whole preview of `found`; `Err` (why larger ones were passed over, if they
/// were) where there is none.
pub fn choose<'a>(b: &'a [u8], found: &Found) -> Result<Preview<'a>, Option<String>> {
    let mut cands: Vec<(&[u8], Size, bool)> = found
        .previews
        .iter()
        .filter_map(|r| b.get(r.clone()))
        .filter_map(|p| jpeg_preview(p).map(|(size, whole)| (p, size, whole)))
        .collect();
    // largest first; a stable sort keeps the file's order between equals
    cands.sort_by_key(|&(_, (w, h), _)| std::cmp::Reverse(w as u64 * h as u64));
    let damaged: Vec<String> = cands
        .iter()
        .take_while(|c| !c.2)
        .map(|(_, (w, h), _)| format!("the {w}x{h} preview is cut short"))
        .collect();
    let fallback = (!damaged.is_empty()).then(|| damaged.join(", "));
    let Some(&(bytes, size, _)) = cands.iter().find(|c| c.2) else {
        return Err(fallback);
    };
    let own = jpeg_orientation(bytes).filter(|o| (2..=8).contains(o));
    Ok(Preview {
        bytes,
        size,
        orientation: match own {
            Some(_) => None,
            None => found.orientation.filter(|o| (2..=8).contains(o)),
        },
        fallback: fallback.map(|f| format!("{f}; the next largest is used")),
    })
}

/// The Orientation in a JPEG's EXIF (APP1 "Exif\0\0", IFD0), if it has one.
pub fn jpeg_orientation(b: &[u8]) -> Option<u16> {
    let mut i = 2;
    loop {
        if *b.get(i)? != 0xFF {
            return None;
        }
        let marker = *b.get(i + 1)?;
        if matches!(marker, 0xDA | 0xD9) {
            return None;
        }
        let len = bytes::be16(b, i + 2)? as usize;
        if marker == 0xE1 && b.get(i + 4..i + 10) == Some(b"Exif\0\0") {
            let seg = b.get(i + 10..i + 2 + len)?;
            return tiff::orientation(seg, 0);
        }
        i += 2 + len;
    }
}

pub static DNG: Spec = spec::<tiff::Dng>();
pub static CR2: Spec = spec::<tiff::Cr2>();
pub static CR3: Spec = spec::<cr3::Cr3>();
pub static NEF: Spec = spec::<tiff::Nef>();
pub static ARW: Spec = spec::<tiff::Arw>();
pub static RAF: Spec = spec::<raf::Raf>();
pub static ORF: Spec = spec::<tiff::Orf>();
pub static RW2: Spec = spec::<tiff::Rw2>();
