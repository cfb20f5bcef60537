// The `decode: 'fast'` path, for both hosts: a JPEG decoded by the wasm at 1/2, 1/4 or 1/8 of
// its size in the DCT domain (crate/src/decode/scaled/: libjpeg-turbo's scaled decode, PIL's
// `draft`), the largest reduction that keeps the short side >= what the model's resize needs;
// the model's exact resize and crop follow as for any image. null where the full decode is the
// way: not a JPEG, too small to gain, or a JPEG that decoder leaves (arithmetic-coded, CMYK).
import { toEffnetError } from './errors.js';

/**
 * The short side the model's resize needs (crate/src/decode/scaled/mod.rs `min_short_side`):
 * floor(size / cropPct), 256 for Lite0; for TF's centre crop, the short side whose crop is size.
 * @param {{size: number, resize: string, cropPct?: number, cropPadding?: number}} preprocess
 */
export function minShortSide(preprocess) {
  const { size, resize, cropPct, cropPadding } = preprocess;
  return resize === 'centerCropThenResize' ? size + cropPadding : Math.floor(size / cropPct);
}

/**
 * @param {object} wasm the crate's wasm module (decodeJpegScaled)
 * @param {string} name labels errors
 * @param {Uint8Array} bytes the encoded file
 * @param {object} preprocess the model entry's
 * @returns {{data: Uint8ClampedArray, width: number, height: number} | null} upright RGBA
 */
export function decodeFast(wasm, name, bytes, preprocess) {
  try {
    return wasm.decodeJpegScaled(name, bytes, minShortSide(preprocess)) ?? null;
  } catch (e) {
    throw toEffnetError(e, () => wasm.lastTrap?.());
  }
}
