//! JS binding of the fast path (src/decode/scaled/): kept out of src/wasm.rs so that the two
//! evolve apart.

use wasm_bindgen::prelude::*;

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
    let img = crate::decode::scaled::decode_scaled(name, bytes, min_short_side).map_err(|e| {
        let err = js_sys::Error::new(&e.to_string());
        err.set_name(e.code());
        JsValue::from(err)
    })?;
    let Some(img) = img else {
        return Ok(JsValue::NULL);
    };
    let out = js_sys::Object::new();
    js_sys::Reflect::set(&out, &"width".into(), &img.width.into())?;
    js_sys::Reflect::set(&out, &"height".into(), &img.height.into())?;
    let data = js_sys::Uint8ClampedArray::from(&img.rgba[..]);
    js_sys::Reflect::set(&out, &"data".into(), &data)?;
    Ok(out.into())
}
