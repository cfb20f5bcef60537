// Model bytes from the network, streamed with progress and their length checked as they come;
// in the browser from IndexedDB first (shared/model-cache.js). The caller's `open`
// (ModelSession.open: the sha256 check, then the compile) takes the bytes either way, and only
// bytes it accepted are stored. Concurrent loads of one model, across tabs too, share one
// download through a Web Lock whose holder must stay alive (shared/live-lock.js).
import { ErrorCode, toEffnetError } from './errors.js';
import { streamFetch } from './stream-fetch.js';
import { ModelCache, readCopy, store } from './model-cache.js';
import { withLiveLock } from './live-lock.js';

/** Streams `url` into one buffer, reporting progress; the size must be `expected` when known. */
export function download(url, expected, onProgress) {
  return streamFetch(url, {
    expected,
    onBytes: (loadedBytes, totalBytes) => onProgress?.({ phase: 'download', loadedBytes, totalBytes }),
    fetchCode: ErrorCode.MODEL_FETCH,
    integrityCode: ErrorCode.MODEL_INTEGRITY,
  });
}

/**
 * The model opened from IndexedDB when a good copy is there, else from a download.
 * @template T
 * @param {(data: ArrayBuffer) => Promise<T>} open checks and compiles the bytes
 * @param {{cache?: boolean, onProgress?: Function}} [o]
 * @returns {Promise<{value: T, cached: boolean, stored: boolean, bytes: number}>}
 */
export async function fetchModel(entry, url, { cache = true, onProgress } = {}, open) {
  const fresh = async () => {
    const data = await download(url, entry.bytes, onProgress);
    return { value: await open(data), data };
  };
  // a model without a sha256 (the caller's own) is never cached: we could not tell it is current
  if (!(cache && entry.sha256 && typeof indexedDB !== 'undefined')) {
    const { value, data } = await fresh();
    return { value, cached: false, stored: false, bytes: data.byteLength };
  }
  let stalled = false; // the cache did not answer (model-cache.js STALL_MS): not asked again
  const fromCache = async () => {
    if (stalled) return null;
    const hit = await readCopy(entry).catch((e) => {
      stalled = e.stalled === true;
      return null;
    });
    if (!hit) return null;
    onProgress?.({ phase: 'download', loadedBytes: hit.byteLength, totalBytes: hit.byteLength, cached: true });
    try {
      return { value: await open(hit), cached: true, stored: true, bytes: hit.byteLength };
    } catch (e) {
      // a corrupted copy is replaced by a download; any other failure is the model's own
      if (toEffnetError(e).code !== ErrorCode.MODEL_INTEGRITY) throw e;
      await ModelCache.delete(entry.id).catch(() => {});
      return null;
    }
  };
  // only a download is shared: a copy in the cache is opened without the lock, so a page left
  // while it compiles (frozen in the back-forward cache) holds nothing another page waits for
  const hit = await fromCache();
  if (hit) return hit;
  // a holder that stopped (a frozen page, a terminated worker) has its lock taken by live-lock.js
  return withLiveLock(`effnet-wasm:model:${entry.id}`, async () => {
    // the holder before us may have stored it
    const stored = await fromCache();
    if (stored) return stored;
    const { value, data } = await fresh();
    // a cache that stalled on the read would stall the write too: it is left to finish later
    if (stalled) store(entry, data);
    return { value, cached: false, stored: stalled ? false : await store(entry, data), bytes: data.byteLength };
  });
}
