// Image payloads -> RGBA pixels, inside the worker (OffscreenCanvas, createImageBitmap).
import { EffnetError, ErrorCode } from '../shared/errors.js';

const BITMAP_OPTIONS = { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image' };

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
 * @param {(name: string, bytes: Uint8Array) => string} checkImage throws if the bytes are a
 *   JPEG/PNG/WebP/GIF cut short: Firefox and WebKit decode those without an error, filling the
 *   missing part white or transparent (crate/src/decode/complete.rs); returns the format as JSON
 * @param {(bytes: Uint8Array) => {data, width, height}} [decodePng] the crate's own PNG decoder
 */
export async function toPixels(p, checkImage, decodePng) {
  switch (p.kind) {
    case 'rgba':
      return { data: p.data, width: p.width, height: p.height };
    case 'bitmap':
      return fromBitmap(p.bitmap);
    case 'blob': {
      const what = p.name ? `'${p.name}'` : `the ${p.blob.type || 'untyped'} blob`;
      const bytes = new Uint8Array(await p.blob.arrayBuffer());
      let format;
      try {
        format = JSON.parse(checkImage(p.name || 'image', bytes)).format;
      } catch (e) {
        throw new EffnetError(ErrorCode.BAD_IMAGE, e.message, { cause: e });
      }
      // PNGs are decoded by the crate, as PIL decodes them: Firefox's createImageBitmap
      // premultiplies a translucent pixel and divides it back (199,100,50 at alpha 128 comes out
      // 201,101,51), even with premultiplyAlpha: 'none' (docs/exactness.md, per engine)
      if (format === 'PNG' && decodePng) {
        try {
          return decodePng(bytes);
        } catch (e) {
          throw new EffnetError(ErrorCode.BAD_IMAGE, `${what}: ${e.message.replace(/^image: /, '')}`, { cause: e });
        }
      }
      const blob = format === 'JPEG' ? new Blob([withoutIccProfile(bytes)], { type: 'image/jpeg' }) : p.blob;
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
