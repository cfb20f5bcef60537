// decode: 'fast' in the worker: a Blob/File JPEG decoded by the wasm at the size the model
// needs (shared/fast-decode.js), or null, and worker/pixels.js decodes it as 'exact' does.
// Apart from pixels.js so that the two change independently.
import { EffnetError, ErrorCode } from '../shared/errors.js';
import { decodeFast } from '../shared/fast-decode.js';

/**
 * @param {{kind: string, blob?: Blob, name?: string}} p the payload (client/sources.js)
 * @param {object} wasm the crate's wasm module
 * @param {object} preprocess the loaded model's
 * @param {{readMs?: number}} [timing] gets the time reading the blob took
 * @returns {Promise<{data: Uint8ClampedArray, width: number, height: number} | null>}
 */
export async function fastPixels(p, wasm, preprocess, timing = {}) {
  if (p.kind !== 'blob') return null;
  const t0 = performance.now();
  const bytes = new Uint8Array(await p.blob.arrayBuffer());
  timing.readMs = performance.now() - t0;
  try {
    return decodeFast(wasm, p.name || 'image', bytes, preprocess);
  } catch (e) {
    // a file cut short or too large, as pixels.js reports it
    throw e.code === ErrorCode.BAD_IMAGE ? e : new EffnetError(ErrorCode.BAD_IMAGE, e.message, { cause: e });
  }
}
