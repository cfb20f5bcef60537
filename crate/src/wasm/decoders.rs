//! The decode path (src/decode/) for JS hosts: [`open_image`] takes encoded bytes as far as
//! this crate goes; the host's own decoder reads what it leaves. Pixels cross as
//! `{width, height, data}` RGBA.

use std::ops::Range;

use wasm_bindgen::prelude::*;

use super::js_error;
use crate::decode::format::Format;
use crate::decode::sniff::jpeg_header;
use crate::decode::{self, scaled, DecodedImage, Opened};
use crate::error::Error;
use crate::manifest::Preprocess;

/// The bytes of one file, read once, through the decode path: sniffed, checked whole (a file
/// cut short throws BAD_IMAGE naming `name`: browsers and Node's JPEG decoder make up the
/// missing part without an error, `decode::complete`), a container unwrapped to its image.
/// With `preprocess` (the model's entry, JSON: decode 'fast'), a JPEG is decoded at the
/// reduction the model's resize allows. An image of a format not in `host_formats` (names,
/// comma-separated, that the host's decoder reads) is decoded here in full.
///
/// Returns upright `{width, height, data}` pixels, or `{format, components, start, end}`: the
/// image `bytes[start..end]` for the host's decoder (`components`: a JPEG's; `format` null for
/// bytes of a kind this crate does not read, which it does not judge).
#[wasm_bindgen(js_name = openImage)]
pub fn open_image(
    name: &str,
    bytes: &[u8],
    preprocess: Option<String>,
    host_formats: &str,
) -> Result<js_sys::Object, JsValue> {
    if Format::sniff(bytes).is_none() {
        return image_object(None, None, 0..bytes.len());
    }
    let min_short = match preprocess {
        Some(json) => Some(min_short_side(&json).map_err(js_error)?),
        None => None,
    };
    let opened = decode::open_for(name, bytes, min_short).map_err(js_error)?;
    let (format, image) = match opened {
        Opened::Image { format, bytes } if host_formats.split(',').any(|f| f == format.name()) => {
            (format, bytes)
        }
        opened => {
            let img = decode::decode_opened(name, opened, min_short).map_err(js_error)?;
            return pixels_object(&img);
        }
    };
    if let Some(n) = min_short {
        if let Some(img) = scaled::decode(name, format, image, n).map_err(js_error)? {
            return pixels_object(&img);
        }
    }
    let components = match format {
        Format::Jpeg => jpeg_header(image).and_then(|h| h.components),
        _ => None,
    };
    // an embedded image is a part of the bytes given
    let start = image.as_ptr() as usize - bytes.as_ptr() as usize;
    image_object(Some(format), components, start..start + image.len())
}

/// Encoded image bytes (JPEG, PNG, WebP, GIF) -> `{width, height, data}` RGBA, decoded in full
/// by this crate: Node's decoder for what its JPEG decoder leaves. `name` labels errors.
#[wasm_bindgen(js_name = decodeImage)]
pub fn decode_image(bytes: &[u8], name: Option<String>) -> Result<js_sys::Object, JsValue> {
    let name = name.as_deref().unwrap_or("image");
    let img = decode::decode_bytes(name, bytes).map_err(js_error)?;
    pixels_object(&img)
}

/// RGBA pixels another decoder made of `bytes` -> `{width, height, data}`, upright by the
/// file's EXIF orientation.
#[wasm_bindgen(js_name = orientImage)]
pub fn orient_image(
    name: &str,
    bytes: &[u8],
    rgba: Vec<u8>,
    width: u32,
    height: u32,
) -> Result<js_sys::Object, JsValue> {
    let img = DecodedImage {
        width,
        height,
        rgba,
    };
    let img = decode::apply_orientation(name, bytes, img).map_err(js_error)?;
    pixels_object(&img)
}

fn min_short_side(preprocess_json: &str) -> Result<u32, Error> {
    let p: Preprocess = serde_json::from_str(preprocess_json)
        .map_err(|e| Error::Manifest(format!("preprocess: {e}")))?;
    Ok(p.min_short_side())
}

fn image_object(
    format: Option<Format>,
    components: Option<u8>,
    at: Range<usize>,
) -> Result<js_sys::Object, JsValue> {
    let out = js_sys::Object::new();
    let format = format.map_or(JsValue::NULL, |f| f.name().into());
    js_sys::Reflect::set(&out, &"format".into(), &format)?;
    if let Some(c) = components {
        js_sys::Reflect::set(&out, &"components".into(), &c.into())?;
    }
    js_sys::Reflect::set(&out, &"start".into(), &(at.start as u32).into())?;
    js_sys::Reflect::set(&out, &"end".into(), &(at.end as u32).into())?;
    Ok(out)
}

fn pixels_object(img: &DecodedImage) -> Result<js_sys::Object, JsValue> {
    let out = js_sys::Object::new();
    js_sys::Reflect::set(&out, &"width".into(), &img.width.into())?;
    js_sys::Reflect::set(&out, &"height".into(), &img.height.into())?;
    let data = js_sys::Uint8ClampedArray::from(&img.rgba[..]);
    js_sys::Reflect::set(&out, &"data".into(), &data)?;
    Ok(out)
}
