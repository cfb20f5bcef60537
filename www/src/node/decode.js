// Encoded image bytes -> upright RGBA pixels, in Node (browsers decode in the worker).
// JPEGs decode with mozjpeg's decoder (libjpeg-turbo's: ISLOW IDCT, fancy upsampling), as
// PIL's and Chromium's do, so Node sees the reference's pixels; the Rust crate's wasm decoder
// (the `image` crate) rounds differently and is kept for PNG, WebP, GIF and CMYK JPEGs.
// Either way the crate first refuses a file cut short, and applies the EXIF orientation.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import decodeJpeg, { init as initJpeg } from '@jsquash/jpeg/decode.js';
import { EffnetError, ErrorCode, toEffnetError } from '../shared/errors.js';
import { decodeFast } from '../shared/fast-decode.js';

let jpegReady = null;
function startJpeg() {
  // Node has no fetch for file: URLs, so the codec's wasm is compiled from disk
  jpegReady ??= readFile(createRequire(import.meta.url).resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'))
    .then((bytes) => WebAssembly.compile(bytes))
    .then((module) => initJpeg(module));
  return jpegReady;
}

/**
 * What Node's classify takes -> RGBA pixels: encoded bytes are decoded, pixels pass as they are.
 * @param {object} wasm the crate's wasm module
 * @param {{data: Uint8ClampedArray|Uint8Array, width: number, height: number} | Uint8Array} source
 * @param {{decode?: 'fast'|'exact', preprocess?: object}} [o] decode 'fast' with the model's
 *   preprocess: a JPEG at a reduced size (shared/fast-decode.js)
 */
export async function toPixels(wasm, source, { decode = 'exact', preprocess } = {}) {
  const bytes = source instanceof Uint8Array && !('width' in source);
  const fast = bytes && decode === 'fast' ? decodeFast(wasm, 'image', source, preprocess) : null;
  const px = fast ?? (bytes ? await decodeImage(wasm, source) : source);
  if (!px || !px.data || !Number.isInteger(px.width) || !Number.isInteger(px.height)) {
    throw new EffnetError(ErrorCode.BAD_IMAGE, 'source must be {data, width, height} RGBA or encoded image bytes (Uint8Array)');
  }
  return px;
}

/** @param {object} wasm the crate's wasm module  @param {Uint8Array} bytes */
export async function decodeImage(wasm, bytes, name = 'image') {
  const info = JSON.parse(typed(() => wasm.checkImage(name, bytes)));
  // CMYK/YCCK (4 components): PIL inverts Adobe CMYK its own way; the crate does the same
  if (info.format !== 'JPEG' || info.components === 4) return typed(() => wasm.decodeImage(bytes));
  await startJpeg();
  let img;
  try {
    img = await decodeJpeg(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  } catch {
    // a fatal libjpeg error ends the codec's instance: the next JPEG starts a fresh one, and
    // this one goes to the crate's decoder, which may read it (arithmetic coding, say) or
    // says why not
    jpegReady = null;
    return typed(() => wasm.decodeImage(bytes));
  }
  const rgba = new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return typed(() => wasm.orientImage(name, bytes, rgba, img.width, img.height));
}

/** `fn()`, its errors as EffnetErrors (the crate's carry their code in their name). */
function typed(fn) {
  try {
    return fn();
  } catch (e) {
    throw toEffnetError(e);
  }
}
