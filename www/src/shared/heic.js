// HEIC photos -> upright RGBA pixels with the HEIC module: crate/heic (heic-rs, pure Rust, MIT
// OR Apache-2.0) built alone as www/pkg/heic/heic.wasm (~100 KB gzipped), for the hosts whose
// own decoder has no HEIC (Chromium, Firefox, Node). This file is imported only when a HEIC
// file appears (a dynamic import: its own chunk), so a library without HEIC photos neither
// downloads nor compiles the module; once loaded it serves every HEIC after.
import { EffnetError, ErrorCode } from './errors.js';

/** The module's URL: a file URL in Node, the bundler's asset in a browser. */
export const HEIC_WASM = new URL('../../pkg/heic/heic.wasm', import.meta.url);

let exports = null;

/**
 * @param {string} name labels errors
 * @param {Uint8Array} bytes a HEIC file (the crate has checked it whole)
 * @param {() => Promise<BufferSource>} load the module's bytes (a fetch, a file read)
 * @returns {Promise<{data: Uint8ClampedArray, width: number, height: number}>}
 */
export async function decodeHeic(name, bytes, load) {
  exports ??= load()
    .then((b) => WebAssembly.instantiate(b, {}))
    .then((r) => r.instance.exports);
  let x;
  try {
    x = await exports;
  } catch (e) {
    exports = null; // the next HEIC tries again
    throw e instanceof EffnetError ? e : new EffnetError(ErrorCode.RUNTIME_FETCH, `${HEIC_WASM.href}: the HEIC decoder could not be loaded (${e?.message ?? e})`, { cause: e });
  }
  const at = x.heic_alloc(bytes.length);
  new Uint8Array(x.memory.buffer, at, bytes.length).set(bytes);
  let failed;
  try {
    failed = x.heic_decode(at, bytes.length);
  } catch (e) {
    // a trap (a panic in the decoder) leaves the instance unusable: the next HEIC gets a fresh one
    exports = null;
    throw new EffnetError(ErrorCode.BAD_IMAGE, `${name}: this HEIC file is damaged and cannot be decoded (the decoder stopped: ${e.message})`, { cause: e });
  }
  // memory may have grown during the decode: views are made after it
  const out = new Uint8Array(x.memory.buffer, x.heic_out_ptr(), x.heic_out_len());
  try {
    if (failed) throw new EffnetError(ErrorCode.BAD_IMAGE, `${name}: ${new TextDecoder().decode(out)}`);
    return { data: new Uint8ClampedArray(out), width: x.heic_out_width(), height: x.heic_out_height() };
  } finally {
    x.heic_out_free();
  }
}
