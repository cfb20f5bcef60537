// The crate's half of the decode path, for both hosts (worker/pixels.js, node/decode.js), on
// bytes read once: sniffed and checked whole, a container unwrapped to the image it holds,
// then decoded by the crate where it is the decoder: a JPEG at 1/2, 1/4 or 1/8 for decode
// 'fast' (the short side the model's resize needs comes from the crate, with the model's
// preprocess), and in full a format the host does not decode itself (crate/src/decode/).
// What is left is the host's to decode: the image's own bytes, a view of those given.
import { toEffnetError } from './errors.js';

/**
 * @param {object} wasm the crate's wasm module (openImage)
 * @param {string} name labels errors
 * @param {Uint8Array} bytes the encoded file
 * @param {{preprocess?: object | null, hostFormats: string[]}} o preprocess: the model's, for
 *   decode 'fast' (null: 'exact'); hostFormats: the formats the host's decoder reads ('JPEG')
 * @returns {{pixels?: {data: Uint8ClampedArray, width: number, height: number}, format?: string | null,
 *   components?: number, stream: Uint8Array}} upright pixels, or the image's bytes (`stream`)
 *   for the host (format null: bytes of a kind the crate does not read, nor judge)
 */
export function openImage(wasm, name, bytes, { preprocess = null, hostFormats }) {
  let r;
  try {
    r = wasm.openImage(name, bytes, preprocess ? JSON.stringify(preprocess) : undefined, hostFormats.join(','));
  } catch (e) {
    throw toEffnetError(e, () => wasm.lastTrap?.());
  }
  if (r.data) return { pixels: r, stream: bytes };
  const stream = r.start === 0 && r.end === bytes.length ? bytes : bytes.subarray(r.start, r.end);
  return { format: r.format ?? null, components: r.components, stream };
}
