// Image payloads -> RGBA pixels, inside the worker: a Blob's bytes are read once and go
// through the crate's half of the decode path (shared/open-image.js: checked whole, a JPEG
// scaled for decode 'fast', PNGs decoded), and what it leaves to createImageBitmap.
import { EffnetError, ErrorCode } from '../shared/errors.js';
import { openImage } from '../shared/open-image.js';

const BITMAP_OPTIONS = { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image' };
// What createImageBitmap decodes here; the rest, PNG included, the crate decodes, as PIL does: Firefox's createImageBitmap
// premultiplies a translucent pixel and divides it back (199,100,50 at alpha 128 comes out
// 201,101,51), even with premultiplyAlpha: 'none' (docs/exactness.md, per engine).
const BROWSER_FORMATS = ['JPEG', 'WebP', 'GIF'];

/**
 * The JPEG without its ICC profile (APP2 "ICC_PROFILE" segments), or the same bytes if it has
 * none. WebKitGTK converts an embedded profile (Adobe RGB, say) to sRGB even with
 * colorSpaceConversion: 'none'; PIL, and so the models' reference pipeline, ignores it.
 */
export function withoutIccProfile(bytes) {
  const keep = [];
  let at = 2; // after SOI
  let dropped = false;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1];
    if (marker === 0xda || marker === 0xd9) break; // start of scan: the rest is image data
    const len = (bytes[at + 2] << 8) | bytes[at + 3];
    const icc = marker === 0xe2 && String.fromCharCode(...bytes.subarray(at + 4, at + 15)) === 'ICC_PROFILE';
    if (icc) dropped = true;
    else keep.push([at, at + 2 + len]);
    at += 2 + len;
  }
  if (!dropped) return bytes;
  const parts = [bytes.subarray(0, 2), ...keep.map(([a, b]) => bytes.subarray(a, b)), bytes.subarray(at)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function fromBitmap(bitmap) {
  const { width, height } = bitmap;
  if (!width || !height) throw new EffnetError(ErrorCode.BAD_IMAGE, `the image is empty (${width}x${height})`);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, width, height);
}

/**
 * @param {{kind: 'rgba', data, width, height} | {kind: 'bitmap', bitmap} | {kind: 'blob', blob, name?}} p
 * @param {object} wasm the crate's wasm module
 * @param {{preprocess?: object | null, timing?: {readMs?: number}}} [o] preprocess: the loaded
 *   model's for decode 'fast' (null: 'exact'); with it, timing.readMs gets the time reading the
 *   blob took
 */
export async function toPixels(p, wasm, { preprocess = null, timing = {} } = {}) {
  switch (p.kind) {
    case 'rgba':
      return { data: p.data, width: p.width, height: p.height };
    case 'bitmap':
      return fromBitmap(p.bitmap);
    case 'blob': {
      const what = p.name ? `'${p.name}'` : `the ${p.blob.type || 'untyped'} blob`;
      const t0 = performance.now();
      const bytes = new Uint8Array(await p.blob.arrayBuffer());
      if (preprocess) timing.readMs = performance.now() - t0;
      let opened;
      try {
        // Firefox and WebKit decode a file cut short without an error, filling the missing
        // part white or transparent (crate/src/decode/complete.rs): the crate refuses it first
        opened = openImage(wasm, p.name || 'image', bytes, { preprocess, hostFormats: BROWSER_FORMATS });
      } catch (e) {
        throw e.code === ErrorCode.BAD_IMAGE ? e : new EffnetError(ErrorCode.BAD_IMAGE, e.message, { cause: e });
      }
      if (opened.pixels) return opened.pixels;
      const { format, stream } = opened;
      const blob =
        format === 'JPEG' ? new Blob([withoutIccProfile(stream)], { type: 'image/jpeg' }) : stream === bytes ? p.blob : new Blob([stream]);
      let bitmap;
      try {
        bitmap = await createImageBitmap(blob, BITMAP_OPTIONS);
      } catch (e) {
        throw new EffnetError(ErrorCode.BAD_IMAGE, `${what} is not an image this browser can decode`, { cause: e });
      }
      return fromBitmap(bitmap);
    }
    default:
      throw new EffnetError(ErrorCode.BAD_IMAGE, `unsupported image payload ${p?.kind}`);
  }
}
