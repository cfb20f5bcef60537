//! HEIC/HEIF -> upright RGBA8, with heic-rs: the primary image, its grid of tiles composed,
//! its `irot`/`imir`/`clap` applied in the order the file associates them (the HEIF rule; an
//! EXIF orientation beside them describes the same turn and is not applied again).
//!
//! The CLI links this crate; for JS hosts it is built alone as a small wasm module
//! (`--features module`, [`module`]) that is fetched only when a HEIC file appears.

use heic_rs::context::Context;
use heic_rs::{grid, hevc, transform, MatrixCoefficients, Nclx, PixelLayout, Range};

#[cfg(feature = "module")]
pub mod module;
mod vui;

/// The most pixels decoded: the decode path's own limit (crate/src/decode/limits.rs) is
/// checked before this, from the same headers.
const MAX_PIXELS: u64 = 250_000_000;

/// Upright RGBA8 pixels.
pub struct Rgba {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

/// Why a HEIC file was not decoded, in words for the person who has the file.
#[derive(Debug)]
pub enum HeicError {
    /// The photo uses a part of HEIF/HEVC the decoder does not implement (an image
    /// sequence's inter prediction, 4:2:2 range extensions...).
    Unsupported(String),
    /// The file is damaged or not really HEIF.
    Damaged(String),
}

impl std::fmt::Display for HeicError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeicError::Unsupported(what) => write!(
                f,
                "this HEIC photo uses a feature this app cannot decode yet ({what}); export it \
                 from Photos as JPEG to tag it"
            ),
            HeicError::Damaged(what) => {
                write!(
                    f,
                    "this HEIC file is damaged and cannot be decoded ({what})"
                )
            }
        }
    }
}

impl std::error::Error for HeicError {}

fn why(e: heic_rs::Error) -> HeicError {
    match e {
        heic_rs::Error::Unsupported(_) | heic_rs::Error::PixelLimit { .. } => {
            HeicError::Unsupported(e.to_string())
        }
        _ => HeicError::Damaged(e.to_string()),
    }
}

/// The primary image's size as shown (after rotation), from the headers alone.
pub fn size(bytes: &[u8]) -> Option<(u32, u32)> {
    heic_rs::probe(bytes).ok().map(|i| (i.width, i.height))
}

/// A file's colours where it has no `colr` nclx and its HEVC stream's VUI says none either
/// ([`vui`] is asked first): full-range BT.601, which is what iPhones (whose `colr` is an ICC
/// profile) and libheif's encoders write in the VUI. heic-rs would assume limited-range BT.709
/// and stretch such a photo's contrast by 16 %.
const NO_NCLX: Nclx = Nclx {
    primaries: 1,
    transfer: 13,
    matrix: MatrixCoefficients::Bt601,
    matrix_code: 6,
    range: Range::Full,
};

/// The primary image of `bytes`, decoded and turned upright. A panic in the decoder (none in
/// 3000 mutated fixtures, but it is young) is this file's error, not the process's end, where
/// panics unwind (natively; in wasm it traps and JS replaces the instance).
pub fn decode(bytes: &[u8]) -> Result<Rgba, HeicError> {
    std::panic::catch_unwind(|| decode_upright(bytes)).unwrap_or_else(|_| {
        Err(HeicError::Damaged(
            "the decoder stopped on malformed data".into(),
        ))
    })
}

fn decode_upright(bytes: &[u8]) -> Result<Rgba, HeicError> {
    let ctx = Context::open(bytes).map_err(why)?;
    let id = ctx.meta.primary;
    let p = ctx.props(id).map_err(why)?;
    let frame = match ctx.grid(id).map_err(why)? {
        Some((g, tiles)) => {
            let frames = tiles
                .iter()
                .map(|&t| coded(&ctx, t))
                .collect::<Result<Vec<_>, _>>()?;
            grid::compose(&g, &frames, MAX_PIXELS).map_err(why)?
        }
        None => coded(&ctx, id)?,
    };
    let nclx = p
        .nclx
        .or_else(|| stream_colours(&ctx, id))
        .unwrap_or(NO_NCLX);
    let img = heic_rs::color::convert(&frame, None, nclx, PixelLayout::Rgba8, MAX_PIXELS, None)
        .map_err(why)?;
    let img = transform::apply_all(img, &p.transforms).map_err(why)?;
    Ok(Rgba {
        width: img.width,
        height: img.height,
        data: img.data,
    })
}

/// The colours of the image's coded picture (a grid's: its first tile's, whose `colr` may
/// say what the grid's does not), from its `nclx` or else its HEVC stream's VUI.
fn stream_colours(ctx: &Context<'_>, id: u32) -> Option<Nclx> {
    let coded = match ctx.grid(id).ok()? {
        Some((_, tiles)) => *tiles.first()?,
        None => id,
    };
    let p = ctx.props(coded).ok()?;
    p.nclx
        .or_else(|| vui::colours(&p.hvcc.as_ref()?.parameter_sets()))
}

/// One coded picture (the primary image, or a grid's tile).
fn coded(ctx: &Context<'_>, id: u32) -> Result<hevc::Frame, HeicError> {
    let p = ctx.props(id).map_err(why)?;
    let hvcc = p.hvcc.as_ref().ok_or(HeicError::Unsupported(
        "an image that is not HEVC-coded".into(),
    ))?;
    let data = ctx.item_data(id).map_err(why)?;
    let nals = hvcc.split_nals(&data).map_err(why)?;
    let params = hvcc.parameter_sets();
    let frame = hevc::decode_still(&params, &nals).map_err(why)?;
    frame.validate().map_err(why)?;
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// libheif's encoder (the fixtures') writes full-range BT.601 in the VUI; where the
    /// source PNG had an ICC profile (chelsea.png) the `colr` box is that profile, no `nclx`,
    /// and a grid's item has no `colr` of its own.
    #[test]
    fn the_colours_come_from_the_vui_where_colr_has_none() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/heic/");
        for name in ["coffee.heic", "coffee-grid.heic", "chelsea-rot.heic"] {
            let bytes = std::fs::read(format!("{dir}{name}")).unwrap();
            let ctx = Context::open(&bytes).unwrap();
            let id = ctx.meta.primary;
            let nclx = stream_colours(&ctx, id).expect(name);
            let want = (Range::Full, MatrixCoefficients::Bt601);
            assert_eq!((nclx.range, nclx.matrix), want, "{name}: {nclx:?}");
            let colr = ctx.props(id).unwrap().nclx;
            assert_eq!(colr.is_none(), name != "coffee.heic", "{name}: {colr:?}");
        }
    }
}
