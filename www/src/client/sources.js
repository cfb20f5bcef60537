// Whatever the caller passes -> a transferable payload for the worker. Decoding happens in
// the worker where it can (Blob); elements become ImageBitmaps here, the only place they exist.
import { EffnetError, ErrorCode } from '../shared/errors.js';

const has = (name) => typeof globalThis[name] === 'function';
const ACCEPTED =
  'expected an HTMLImageElement, HTMLCanvasElement, OffscreenCanvas, ImageBitmap, ImageData, HTMLVideoElement, VideoFrame, Blob/File or { data, width, height } RGBA';

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
  // meant as pixels, but not usable ones: say which part is wrong
  if (typeof source === 'object' && 'data' in source && !(has('Node') && source instanceof Node)) {
    const { data, width, height } = source;
    const what = !data ? `data must hold the RGBA bytes, got ${data}` : `width and height must be whole numbers, got ${width} x ${height}`;
    throw new EffnetError(ErrorCode.BAD_IMAGE, `{ data, width, height }: ${what}`);
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
  const bytes = source instanceof ArrayBuffer || ArrayBuffer.isView(source) ? ' (a file\'s bytes: pass them as a Blob)' : '';
  throw new EffnetError(ErrorCode.BAD_IMAGE, `unsupported image source ${Object.prototype.toString.call(source)}${bytes}: ${ACCEPTED}`);
}
