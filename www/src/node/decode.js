// Encoded image bytes -> upright RGBA pixels, in Node (browsers decode in the worker). The
// bytes go through the crate's half of the decode path once (shared/open-image.js: checked
// whole, a JPEG scaled for decode 'fast', the formats but JPEG decoded by the crate); what it
// leaves, a JPEG, decodes with mozjpeg's decoder (libjpeg-turbo's: ISLOW IDCT, fancy
// upsampling), as PIL's and Chromium's do, so Node sees the reference's pixels where the
// crate's wasm decoder (the `image` crate) rounds differently; the crate then applies the
// EXIF orientation.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import decodeJpeg, { init as initJpeg } from '@jsquash/jpeg/decode.js';
import { EffnetError, ErrorCode, toEffnetError } from '../shared/errors.js';
import { openImage } from '../shared/open-image.js';

let jpegReady = null;
function startJpeg() {
  // Node has no fetch for file: URLs, so the codec's wasm is compiled from disk
  jpegReady ??= readFile(createRequire(import.meta.url).resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'))
    .then((bytes) => WebAssembly.compile(bytes))
    .then((module) => initJpeg(module));
  return jpegReady;
}

/**
 * What Node's classify takes -> RGBA pixels: encoded bytes (or a Blob/File of them) are
 * decoded, pixels pass as they are. Errors name a File by its name; bytes have none, so they
 * are named by their length.
 * @param {object} wasm the crate's wasm module
 * @param {{data: Uint8ClampedArray|Uint8Array, width: number, height: number} | Uint8Array | Blob} source
 * @param {{decode?: 'fast'|'exact', preprocess?: object}} [o] decode 'fast' with the model's
 *   preprocess: a JPEG at a reduced size
 */
export async function toPixels(wasm, source, { decode = 'exact', preprocess } = {}) {
  const p = decode === 'fast' ? preprocess : null;
  if (source instanceof Blob) {
    const name = /** @type {File} */ (source).name || `the ${source.type || 'untyped'} blob`;
    return decodeImage(wasm, new Uint8Array(await source.arrayBuffer()), name, p);
  }
  const bytes = source instanceof Uint8Array && !('width' in source);
  const px = bytes ? await decodeImage(wasm, source, `image (${source.byteLength} bytes)`, p) : source;
  if (!px || !px.data || !Number.isInteger(px.width) || !Number.isInteger(px.height)) {
    throw new EffnetError(ErrorCode.BAD_IMAGE, 'source must be {data, width, height} RGBA, encoded image bytes (Uint8Array) or a Blob/File of them');
  }
  return px;
}

/**
 * @param {object} wasm the crate's wasm module  @param {Uint8Array} bytes  @param {string} [name]
 * @param {object | null} [preprocess] the model's, for decode 'fast'
 */
export async function decodeImage(wasm, bytes, name = 'image', preprocess = null) {
  // sniffed, checked whole and for size (a file declaring more pixels than any camera takes
  // is refused from its headers, crate/src/decode/limits.rs) before any decoder runs
  const opened = openImage(wasm, name, bytes, { preprocess, hostFormats: ['JPEG', 'HEIC'] });
  if (opened.pixels) return opened.pixels;
  const { stream } = opened;
  if (opened.format === 'HEIC') {
    // the HEIC module, read from the package the first time a HEIC appears
    const { decodeHeic, HEIC_WASM } = await import('../shared/heic.js');
    return decodeHeic(name, stream, () => readFile(HEIC_WASM));
  }
  // CMYK/YCCK (4 components): PIL inverts Adobe CMYK its own way; the crate does the same.
  // Bytes of no format the crate reads: its decoder says so.
  if (opened.format !== 'JPEG' || opened.components === 4) return typed(() => wasm.decodeImage(stream, name));
  await startJpeg();
  let img;
  try {
    img = await decodeJpeg(stream.buffer.slice(stream.byteOffset, stream.byteOffset + stream.byteLength));
  } catch {
    // a fatal libjpeg error ends the codec's instance: the next JPEG starts a fresh one, and
    // this one goes to the crate's decoder, which may read it (arithmetic coding, say) or
    // says why not
    jpegReady = null;
    return typed(() => wasm.decodeImage(stream, name));
  }
  const rgba = new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return typed(() => wasm.orientImage(name, stream, rgba, img.width, img.height));
}

/** `fn()`, its errors as EffnetErrors (the crate's carry their code in their name). */
function typed(fn) {
  try {
    return fn();
  } catch (e) {
    throw toEffnetError(e);
  }
}
