// One file fetched as a stream into one buffer, reporting its bytes as they come and its length
// checked against the expected size: the model (shared/model-fetch.js) and the wasm
// (worker/wasm-bytes.js) both come this way. WebAssembly.instantiateStreaming cannot report
// progress, so the wasm is fetched like this and compiled from the bytes.
import { EffnetError } from './errors.js';

/**
 * @param {string|URL} url
 * @param {{expected?: number, totalHint?: number, onBytes?: (loaded: number, total: number) => void,
 *   fetchCode: string, integrityCode: string, expectedFrom?: string}} o
 *   expected: the size the file must have (0 or absent: unknown, Content-Length is the total);
 *   totalHint: the total to report when neither is known;
 *   fetchCode, integrityCode: the error codes of a failed fetch and of a wrong size;
 *   expectedFrom names where `expected` came from, in the size error
 * @returns {Promise<ArrayBuffer>}
 */
export async function streamFetch(url, { expected, totalHint, onBytes, fetchCode, integrityCode, expectedFrom = 'the manifest' }) {
  let res;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new EffnetError(fetchCode, `cannot fetch ${url}: ${e.message}`, { cause: e });
  }
  if (!res.ok) throw new EffnetError(fetchCode, `cannot fetch ${url}: HTTP ${res.status}`);
  const total = expected || Number(res.headers.get('content-length')) || totalHint || 0;
  const chunks = [];
  let loaded = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      if (expected && loaded > expected) break;
      onBytes?.(loaded, total);
    }
  } catch (e) {
    throw new EffnetError(fetchCode, `download of ${url} broke off: ${e.message}`, { cause: e });
  } finally {
    reader.releaseLock();
  }
  if (expected && loaded !== expected) {
    throw new EffnetError(integrityCode, `${url}: got ${loaded} bytes, ${expectedFrom} says ${expected}`);
  }
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out.buffer;
}
