// Image payloads -> RGBA pixels, inside the worker (OffscreenCanvas, createImageBitmap).
import { EffnetError, ErrorCode } from '../shared/errors.js';

const BITMAP_OPTIONS = { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image' };

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
 * @param {(name: string, bytes: Uint8Array) => void} checkImage throws if the bytes are a
 *   JPEG/PNG/WebP/GIF cut short: Firefox and WebKit decode those without an error, filling the
 *   missing part white or transparent (crate/src/decode/complete.rs)
 */
export async function toPixels(p, checkImage) {
  switch (p.kind) {
    case 'rgba':
      return { data: p.data, width: p.width, height: p.height };
    case 'bitmap':
      return fromBitmap(p.bitmap);
    case 'blob': {
      const what = p.name ? `'${p.name}'` : `the ${p.blob.type || 'untyped'} blob`;
      try {
        checkImage(p.name || 'image', new Uint8Array(await p.blob.arrayBuffer()));
      } catch (e) {
        throw new EffnetError(ErrorCode.BAD_IMAGE, e.message, { cause: e });
      }
      let bitmap;
      try {
        bitmap = await createImageBitmap(p.blob, BITMAP_OPTIONS);
      } catch (e) {
        throw new EffnetError(ErrorCode.BAD_IMAGE, `${what} is not an image this browser can decode`, { cause: e });
      }
      return fromBitmap(bitmap);
    }
    default:
      throw new EffnetError(ErrorCode.BAD_IMAGE, `unsupported image payload ${p?.kind}`);
  }
}
