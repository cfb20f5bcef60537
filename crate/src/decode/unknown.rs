//! Why a file is no photo this build opens, said to the person who chose it: what the file
//! looks like it is, where its first bytes say, and which photos can be opened.

use super::format::Format;

/// "this is a PDF document, not an image this app can open (it opens JPEG, PNG, ...)".
pub fn reason(bytes: &[u8]) -> String {
    let all = Format::all_names();
    match kind(bytes) {
        Some(kind) => format!("this is {kind}, not an image this app can open (it opens {all})"),
        None => format!(
            "this file is not an image this app can open: it is none of {all}, or it is damaged"
        ),
    }
}

/// What the first bytes say a file is, for the formats people most often have beside photos.
fn kind(b: &[u8]) -> Option<&'static str> {
    let at = |i: usize, s: &[u8]| b.get(i..i + s.len()) == Some(s);
    if b.is_empty() {
        return Some("an empty file");
    }
    if at(4, b"ftyp") {
        let brand = b.get(8..12).unwrap_or_default();
        return Some(match brand {
            b"avif" | b"avis" => "an AVIF image",
            b"qt  " => "a QuickTime video",
            b"M4A " | b"M4B " => "an audio file",
            _ => "a video (MP4 or MOV)",
        });
    }
    if at(0, b"%PDF") {
        return Some("a PDF document");
    }
    if at(0, b"II*\0") || at(0, b"MM\0*") {
        return Some("a TIFF image");
    }
    if at(0, b"BM") {
        return Some("a BMP image");
    }
    if at(0, b"\0\0\x01\0") {
        return Some("an icon (ICO)");
    }
    if at(0, b"PK\x03\x04") {
        return Some("a ZIP archive or office document");
    }
    if at(0, b"RIFF") && at(8, b"AVI ") {
        return Some("an AVI video");
    }
    if at(0, b"\x1aE\xdf\xa3") {
        return Some("a video (MKV or WebM)");
    }
    if at(0, b"<svg") || at(0, b"<?xml") {
        return Some("an XML or SVG file");
    }
    let head = &b[..b.len().min(512)];
    if std::str::from_utf8(head)
        .is_ok_and(|s| s.chars().all(|c| !c.is_control() || c.is_whitespace()))
    {
        return Some("a text file");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_a_file_is() {
        assert!(reason(b"%PDF-1.7").starts_with("this is a PDF document, not an image"));
        assert!(reason(b"\0\0\0\x18ftypisom\0\0\0\0").contains("a video (MP4 or MOV)"));
        assert!(reason(b"This is a text file").contains("a text file"));
        assert!(reason(&[0xde, 0xad, 0xbe, 0xef]).contains("or it is damaged"));
        assert!(reason(b"%PDF").contains("HEIC"));
    }
}
