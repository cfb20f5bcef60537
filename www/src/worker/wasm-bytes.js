// The chosen wasm build's bytes, fetched with progress (shared/stream-fetch.js). With
// cacheRuntime they are kept in the Cache API and, whether downloaded or read back, checked
// against the size and sha256 recorded at build time (www/pkg/<build>/integrity.json, written by
// crate/build-wasm.sh) before they are compiled; a copy is admitted to the cache only
// after that check, and a stored copy that fails it is dropped and downloaded again.
import { EffnetError, ErrorCode } from '../shared/errors.js';
import { sha256Hex } from '../shared/digest.js';
import { streamFetch } from '../shared/stream-fetch.js';

export const RUNTIME_CACHE = 'effnet-wasm-runtime';
const BUILD_HEADER = 'X-Effnet-Build';

async function check(bytes, want, source) {
  if (bytes.byteLength !== want.bytes) {
    throw new EffnetError(ErrorCode.RUNTIME_INTEGRITY, `${source}: ${bytes.byteLength} bytes, the build recorded ${want.bytes} (${want.build}/integrity.json)`);
  }
  const got = await sha256Hex(bytes);
  if (got !== want.sha256) {
    throw new EffnetError(ErrorCode.RUNTIME_INTEGRITY, `${source}: sha256 ${got} does not match the build's ${want.sha256} (${want.build}/integrity.json)`);
  }
}

/** The Cache API's cache, or null where there is none (an insecure context, some private modes). */
async function openCache() {
  try {
    return globalThis.caches ? await caches.open(RUNTIME_CACHE) : null;
  } catch {
    return null;
  }
}

/**
 * @param {URL} url the build's effnet_bg.wasm
 * @param {{build: string, bytes: number, sha256: string}} want its integrity.json
 * @param {{cacheRuntime?: boolean, onProgress?: (e: object) => unknown}} [o] onProgress gets
 *   { phase: 'download', loadedBytes, totalBytes, cached? }
 * @returns {Promise<{bytes: ArrayBuffer, cached: boolean}>}
 */
export async function wasmBytes(url, want, { cacheRuntime = false, onProgress } = {}) {
  const cache = cacheRuntime ? await openCache() : null;
  if (cache) {
    const hit = await cache.match(url.href);
    if (hit) {
      const bytes = await hit.arrayBuffer();
      try {
        await check(bytes, want, `the cached ${url.href}`);
        onProgress?.({ phase: 'download', loadedBytes: bytes.byteLength, totalBytes: bytes.byteLength, cached: true });
        return { bytes, cached: true };
      } catch {
        await cache.delete(url.href); // corrupted or edited: downloaded anew
      }
    }
  }
  const bytes = await streamFetch(url, {
    // without cacheRuntime the record only sizes the progress bar: the compile rejects garbage
    expected: cacheRuntime ? want.bytes : undefined,
    totalHint: want.bytes,
    onBytes: (loadedBytes, totalBytes) => onProgress?.({ phase: 'download', loadedBytes, totalBytes }),
    fetchCode: ErrorCode.RUNTIME_FETCH,
    integrityCode: ErrorCode.RUNTIME_INTEGRITY,
    expectedFrom: `the build's ${want.build}/integrity.json`,
  });
  if (cacheRuntime) await check(bytes, want, url.href);
  if (cache) await admit(cache, url, want, bytes);
  return { bytes, cached: false };
}

/** Stores checked bytes, dropping this build's older copies (another URL: an earlier version). */
async function admit(cache, url, want, bytes) {
  try {
    for (const req of await cache.keys()) {
      if (req.url === url.href) continue;
      const old = await cache.match(req);
      if (old?.headers.get(BUILD_HEADER) === want.build) await cache.delete(req);
    }
    await cache.put(url.href, new Response(bytes, { headers: { 'Content-Type': 'application/wasm', [BUILD_HEADER]: want.build } }));
  } catch (e) {
    // the runtime still starts from these bytes; only the next start downloads again
    console.warn(`effnet-wasm: the wasm was not cached (${e.name}: ${e.message})`);
  }
}
