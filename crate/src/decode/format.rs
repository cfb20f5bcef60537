//! The formats the decode path reads, registered here and nowhere else. A format is recognised
//! by its first bytes, checked whole ([`super::complete`]) and its declared size judged
//! ([`super::limits`]) before any decoder sees it, and opened: to an image the decoders read
//! (the `image` crate, libjpeg, a browser's), or, for a container, to pixels its own module
//! made, or to an embedded stream (a camera file's JPEG preview) that goes round the path
//! again. A new format is one module giving a [`Spec`], and a variant with its line in
//! [`Format::spec`] and [`Format::ALL`].

use super::{complete, heic, raw, size, sniff, DecodedImage};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
    Gif,
    Heic,
    // camera RAW, through their embedded JPEG previews (`super::raw`)
    Dng,
    Cr2,
    Cr3,
    Nef,
    Arw,
    Raf,
    Orf,
    Rw2,
}

/// What a format's module provides.
pub struct Spec {
    pub name: &'static str,
    /// Whether `bytes` start as this format's files do.
    pub sniff: fn(&[u8]) -> bool,
    /// Whether the file goes on to the end of its image.
    pub is_whole: fn(&[u8]) -> bool,
    /// The largest image a whole file declares, from its headers; `None` if they are
    /// malformed.
    pub size: fn(&[u8]) -> Option<size::Size>,
    /// What a whole file holds; `Err(reason)` if it cannot be opened.
    pub open: fn(&[u8]) -> Result<Content<'_>, String>,
}

/// What a file of a format holds.
pub enum Content<'a> {
    /// An image of this format, for the decoders.
    Image,
    /// Another file inside this one, to be sniffed, checked and decoded in its place.
    Embedded(&'a [u8]),
    /// A camera RAW's chosen JPEG preview: embedded, judged by its size against the model's
    /// resize and turned by the RAW's orientation.
    Preview(raw::Preview<'a>),
    /// Pixels the format's module decoded itself, upright.
    Pixels(DecodedImage),
}

impl Format {
    /// Sniffed in this order; named in this order where a file is none of them.
    /// DNG before NEF and ARW: a DNG converted from a Nikon or Sony file keeps its Make.
    pub const ALL: [Format; 13] = [
        Format::Jpeg,
        Format::Png,
        Format::WebP,
        Format::Gif,
        Format::Heic,
        Format::Dng,
        Format::Cr2,
        Format::Cr3,
        Format::Nef,
        Format::Arw,
        Format::Raf,
        Format::Orf,
        Format::Rw2,
    ];

    pub fn spec(self) -> &'static Spec {
        match self {
            Format::Jpeg => &JPEG,
            Format::Png => &PNG,
            Format::WebP => &WEBP,
            Format::Gif => &GIF,
            Format::Heic => &HEIC,
            Format::Dng => &raw::DNG,
            Format::Cr2 => &raw::CR2,
            Format::Cr3 => &raw::CR3,
            Format::Nef => &raw::NEF,
            Format::Arw => &raw::ARW,
            Format::Raf => &raw::RAF,
            Format::Orf => &raw::ORF,
            Format::Rw2 => &raw::RW2,
        }
    }

    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        Self::ALL.into_iter().find(|f| (f.spec().sniff)(bytes))
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// "JPEG, PNG, WebP, GIF or HEIC": the formats this build reads, for an error.
    pub fn all_names() -> String {
        let names = Self::ALL.map(Format::name);
        let (last, rest) = names.split_last().expect("formats are registered");
        format!("{} or {last}", rest.join(", "))
    }
}

/// An image format itself: the decoders read it as it is.
const fn image(
    name: &'static str,
    sniff: fn(&[u8]) -> bool,
    is_whole: fn(&[u8]) -> bool,
    size: fn(&[u8]) -> Option<size::Size>,
) -> Spec {
    fn as_is(_: &[u8]) -> Result<Content<'_>, String> {
        Ok(Content::Image)
    }
    Spec {
        name,
        sniff,
        is_whole,
        size,
        open: as_is,
    }
}

static JPEG: Spec = image("JPEG", sniff::is_jpeg, complete::jpeg_has_end, size::jpeg);
static PNG: Spec = image("PNG", sniff::is_png, complete::png_has_end, size::png);
static WEBP: Spec = image("WebP", sniff::is_webp, complete::webp_has_end, size::webp);
static GIF: Spec = image("GIF", sniff::is_gif, complete::gif_has_end, size::gif);
static HEIC: Spec = Spec {
    name: "HEIC",
    sniff: heic::sniff,
    is_whole: heic::is_whole,
    size: heic::size,
    open: heic::open,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_their_first_bytes() {
        assert_eq!(Format::sniff(b"\xFF\xD8\xFF\xE0"), Some(Format::Jpeg));
        assert_eq!(Format::sniff(b"\x89PNG\r\n\x1a\n...."), Some(Format::Png));
        assert_eq!(Format::sniff(b"GIF87a"), Some(Format::Gif));
        assert_eq!(Format::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(Format::WebP));
        assert_eq!(Format::sniff(b"This is a text file"), None);
    }

    #[test]
    fn the_formats_are_named_in_order() {
        assert_eq!(
            Format::all_names(),
            "JPEG, PNG, WebP, GIF, HEIC, DNG, CR2, CR3, NEF, ARW, RAF, ORF or RW2"
        );
    }
}
