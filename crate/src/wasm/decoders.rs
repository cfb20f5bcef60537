//! Image decoding for hosts without a decoder of their own (Node), the completeness and
//! orientation checks around a browser's decoder, and the scaled JPEG fast path
//! (src/decode/scaled/): each returns pixels as `{width, height, data}` RGBA.

use wasm_bindgen::prelude::*;

use super::js_error;
use crate::decode::DecodedImage;

/// Encoded image bytes (JPEG, PNG, WebP, GIF) -> `{width, height, data}` RGBA, for hosts
/// without a decoder of their own (Node).
#[wasm_bindgen(js_name = decodeImage)]
pub fn decode_image(bytes: &[u8]) -> Result<js_sys::Object, JsValue> {
    let img = crate::decode::decode_bytes("image", bytes).map_err(js_error)?;
    pixels_object(&img)
}

/// Refuses a JPEG/PNG/WebP/GIF file that is cut short, naming `name`, before a browser or
/// Node's JPEG decoder sees it (they make up the missing part without an error: see
/// `decode::complete`).
/// Returns `{"format": "JPEG", "components": 3}` (components: JPEG only), or
/// `{"format": null}` for bytes of another kind, which this crate does not judge.
#[wasm_bindgen(js_name = checkImage)]
pub fn check_image(name: &str, bytes: &[u8]) -> Result<String, JsValue> {
    use crate::decode::sniff::{jpeg_header, Format};
    let Some(format) = Format::sniff(bytes) else {
        return Ok(r#"{"format":null}"#.into());
    };
    crate::decode::check_complete(name, bytes).map_err(js_error)?;
    let components = match format {
        Format::Jpeg => jpeg_header(bytes).and_then(|h| h.components),
        _ => None,
    };
    Ok(serde_json::json!({ "format": format.name(), "components": components }).to_string())
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
    let img = crate::decode::apply_orientation(name, bytes, img).map_err(js_error)?;
    pixels_object(&img)
}

/// A JPEG decoded at the largest 1/2, 1/4 or 1/8 reduction that keeps its short side >=
/// `min_short_side` (PIL's `draft` rule), upright by its EXIF orientation, as
/// `{width, height, data}` RGBA; `null` where the full decode is the way (not a JPEG, too small
/// to gain, or a JPEG this decoder leaves: arithmetic-coded, 12-bit, CMYK). Throws (name
/// BAD_IMAGE) for bytes cut short or too large. `name` only labels errors.
#[wasm_bindgen(js_name = decodeJpegScaled)]
pub fn decode_jpeg_scaled(
    name: &str,
    bytes: &[u8],
    min_short_side: u32,
) -> Result<JsValue, JsValue> {
    let img =
        crate::decode::scaled::decode_scaled(name, bytes, min_short_side).map_err(js_error)?;
    match img {
        Some(img) => Ok(pixels_object(&img)?.into()),
        None => Ok(JsValue::NULL),
    }
}

fn pixels_object(img: &DecodedImage) -> Result<js_sys::Object, JsValue> {
    let out = js_sys::Object::new();
    js_sys::Reflect::set(&out, &"width".into(), &img.width.into())?;
    js_sys::Reflect::set(&out, &"height".into(), &img.height.into())?;
    let data = js_sys::Uint8ClampedArray::from(&img.rgba[..]);
    js_sys::Reflect::set(&out, &"data".into(), &data)?;
    Ok(out)
}
