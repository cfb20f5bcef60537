// Whatever the caller passes -> a transferable payload for the worker. Decoding happens in
// the worker where it can (Blob); elements become ImageBitmaps here, the only place they exist.
import { EffnetError, ErrorCode } from '../shared/errors.js';

const has = (name) => typeof globalThis[name] === 'function';

/** @returns {Promise<{payload: object, transfer: Transferable[]}>} */
export async function toPayload(source) {
  if (source == null) throw new EffnetError(ErrorCode.BAD_IMAGE, 'no image given');
  if (has('Blob') && source instanceof Blob) {
    return { payload: { kind: 'blob', blob: source, name: source.name }, transfer: [] };
  }
  if (has('ImageData') && source instanceof ImageData) {
    const data = new Uint8ClampedArray(source.data); // a copy: the caller keeps theirs
    return { payload: { kind: 'rgba', data, width: source.width, height: source.height }, transfer: [data.buffer] };
  }
  if (source && source.data && Number.isInteger(source.width) && Number.isInteger(source.height)) {
    const data = new Uint8ClampedArray(source.data);
    return { payload: { kind: 'rgba', data, width: source.width, height: source.height }, transfer: [data.buffer] };
  }
  const drawable = ['HTMLImageElement', 'HTMLCanvasElement', 'OffscreenCanvas', 'ImageBitmap', 'HTMLVideoElement', 'VideoFrame', 'SVGImageElement'];
  if (drawable.some((t) => has(t) && source instanceof globalThis[t])) {
    if (has('HTMLImageElement') && source instanceof HTMLImageElement && !source.complete) {
      await source.decode().catch(() => {});
    }
    try {
      const bitmap = await createImageBitmap(source, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
      return { payload: { kind: 'bitmap', bitmap }, transfer: [bitmap] };
    } catch (e) {
      throw new EffnetError(ErrorCode.BAD_IMAGE, `cannot read pixels from the ${source.constructor.name}: ${e.message}`, { cause: e });
    }
  }
  throw new EffnetError(ErrorCode.BAD_IMAGE, `unsupported image source ${Object.prototype.toString.call(source)}`);
}
