// Image payloads -> RGBA pixels, inside the worker: a Blob's bytes are read once and go
// through the crate's half of the decode path (shared/open-image.js: checked whole, a JPEG
// scaled for decode 'fast', PNGs decoded), and what it leaves to createImageBitmap.
import { EffnetError, ErrorCode, toEffnetError } from '../shared/errors.js';
import { openImage } from '../shared/open-image.js';

const BITMAP_OPTIONS = { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image' };
// What createImageBitmap decodes here; the rest, PNG included, the crate decodes, as PIL does: Firefox's createImageBitmap
// premultiplies a translucent pixel and divides it back (199,100,50 at alpha 128 comes out
// 201,101,51), even with premultiplyAlpha: 'none' (docs/exactness.md, per engine). HEIC is the
// browser's where it decodes it (Safari), else the HEIC module's (heicPixels).
const BROWSER_FORMATS = ['JPEG', 'WebP', 'GIF', 'HEIC'];

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

// Until a HEIC fails in createImageBitmap: Safari decodes HEIC (its irot applied by
// imageOrientation 'from-image'); Chromium and Firefox do not, and then every HEIC goes to the
// HEIC module, fetched and compiled the first time (www/src/shared/heic.js).
let browserDecodesHeic = true;

async function heicPixels(name, stream) {
  if (browserDecodesHeic) {
    try {
      return fromBitmap(await createImageBitmap(new Blob([stream], { type: 'image/heic' }), BITMAP_OPTIONS));
    } catch {
      browserDecodesHeic = false;
    }
  }
  const { decodeHeic, HEIC_WASM } = await import('../shared/heic.js');
  return decodeHeic(name, stream, async () => {
    const r = await fetch(HEIC_WASM);
    if (!r.ok) throw new EffnetError(ErrorCode.RUNTIME_FETCH, `${HEIC_WASM.href}: the HEIC decoder could not be downloaded (HTTP ${r.status})`);
    return r.arrayBuffer();
  });
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
      const what = p.name || `the ${p.blob.type || 'untyped'} blob`;
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
      if (format === 'HEIC') return heicPixels(p.name || 'image', stream);
      const blob =
        format === 'JPEG' ? new Blob([withoutIccProfile(stream)], { type: 'image/jpeg' }) : stream === bytes ? p.blob : new Blob([stream]);
      let bitmap;
      try {
        bitmap = await createImageBitmap(blob, BITMAP_OPTIONS);
      } catch (e) {
        // bytes the crate does not know (AVIF, BMP, TIFF...) were the browser's to try; where it
        // cannot either, the crate's decode says in words what the file looks like (a text
        // file, a PDF, a video) and which photos are read
        if (format === null) {
          try {
            wasm.decodeImage(stream, p.name || 'image');
          } catch (why) {
            throw new EffnetError(ErrorCode.BAD_IMAGE, toEffnetError(why).message, { cause: e });
          }
        }
        throw new EffnetError(ErrorCode.BAD_IMAGE, `${what}: this ${format ?? 'file'} could not be decoded: it is damaged, or not an image this browser can open`, { cause: e });
      }
      return fromBitmap(bitmap);
    }
    default:
      throw new EffnetError(ErrorCode.BAD_IMAGE, `unsupported image payload ${p?.kind}`);
  }
}
