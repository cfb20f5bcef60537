// Model bytes: fetched lazily with progress, verified (size, then sha256), kept in IndexedDB.
// Metadata and bytes live in two stores so listing never reads megabytes. A download is
// admitted to the cache only after both checks; concurrent downloads of one model, across
// tabs too, are deduplicated with a Web Lock.
import { openDB } from 'idb';
import { EffnetError, ErrorCode } from './errors.js';
import { sha256Hex } from './digest.js';

const DB_NAME = 'effnet-wasm';
const META = 'meta'; // id -> { id, sha256, bytes, storedAt }
const BLOBS = 'blobs'; // id -> ArrayBuffer

let dbPromise;
function db() {
  dbPromise ??= openDB(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore(META, { keyPath: 'id' });
      d.createObjectStore(BLOBS);
    },
  });
  return dbPromise;
}

export const ModelCache = {
  /** @returns {Promise<Array<{id: string, sha256: string, bytes: number, storedAt: number}>>} */
  async list() {
    return (await db()).getAll(META);
  },
  async delete(id) {
    const tx = (await db()).transaction([META, BLOBS], 'readwrite');
    await Promise.all([tx.objectStore(META).delete(id), tx.objectStore(BLOBS).delete(id), tx.done]);
  },
  async clear() {
    const tx = (await db()).transaction([META, BLOBS], 'readwrite');
    await Promise.all([tx.objectStore(META).clear(), tx.objectStore(BLOBS).clear(), tx.done]);
  },
};

async function readCached(entry) {
  const d = await db();
  const meta = await d.get(META, entry.id);
  if (!meta) return null;
  if (meta.sha256 === entry.sha256) {
    const data = await d.get(BLOBS, entry.id);
    // checked again on every read: storage can be corrupted or edited
    if (data && data.byteLength === entry.bytes && (await sha256Hex(data)) === entry.sha256) return data;
  }
  await ModelCache.delete(entry.id); // outdated (the manifest moved on) or corrupt
  return null;
}

async function store(entry, data) {
  const tx = (await db()).transaction([META, BLOBS], 'readwrite');
  await Promise.all([
    tx.objectStore(BLOBS).put(data, entry.id),
    tx.objectStore(META).put({ id: entry.id, sha256: entry.sha256, bytes: entry.bytes, storedAt: Date.now() }),
    tx.done,
  ]);
}

/** Streams `url` into one buffer, reporting progress; the size must be `expected` when known. */
export async function download(url, expected, onProgress) {
  let res;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new EffnetError(ErrorCode.MODEL_FETCH, `cannot fetch ${url}: ${e.message}`, { cause: e });
  }
  if (!res.ok) throw new EffnetError(ErrorCode.MODEL_FETCH, `cannot fetch ${url}: HTTP ${res.status}`);
  const total = expected ?? (Number(res.headers.get('content-length')) || 0);
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
      onProgress?.({ phase: 'download', loadedBytes: loaded, totalBytes: total });
    }
  } catch (e) {
    throw new EffnetError(ErrorCode.MODEL_FETCH, `download of ${url} broke off: ${e.message}`, { cause: e });
  } finally {
    reader.releaseLock();
  }
  if (expected && loaded !== expected) {
    throw new EffnetError(ErrorCode.MODEL_INTEGRITY, `${url}: got ${loaded} bytes, the manifest says ${expected}`);
  }
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out.buffer;
}

async function verify(entry, url, data) {
  if (!entry.sha256) return;
  const got = await sha256Hex(data);
  if (got !== entry.sha256) {
    throw new EffnetError(ErrorCode.MODEL_INTEGRITY, `${url}: sha256 ${got} does not match the manifest's ${entry.sha256}`);
  }
}

function withLock(name, fn) {
  return globalThis.navigator?.locks ? navigator.locks.request(name, fn) : fn();
}

/**
 * The model's bytes: from IndexedDB when a verified copy is there, else downloaded.
 * @returns {Promise<{data: ArrayBuffer, cached: boolean, stored: boolean}>}
 */
export async function loadModelBytes(entry, url, { cache = true, onProgress } = {}) {
  // a model without a sha256 (the caller's own) is never cached: we could not tell it is current
  const cacheable = cache && !!entry.sha256 && typeof indexedDB !== 'undefined';
  if (!cacheable) {
    const data = await download(url, entry.bytes, onProgress);
    await verify(entry, url, data);
    return { data, cached: false, stored: false };
  }
  return withLock(`effnet-wasm:model:${entry.id}`, async () => {
    const hit = await readCached(entry).catch(() => null);
    if (hit) {
      onProgress?.({ phase: 'download', loadedBytes: hit.byteLength, totalBytes: hit.byteLength, cached: true });
      return { data: hit, cached: true, stored: true };
    }
    const data = await download(url, entry.bytes, onProgress);
    await verify(entry, url, data);
    let stored = true;
    try {
      await store(entry, data);
    } catch (e) {
      // quota exceeded or storage unavailable: classification still works from memory
      stored = false;
      console.warn(`effnet-wasm: model ${entry.id} not cached (${e.name}: ${e.message})`);
    }
    return { data, cached: false, stored };
  });
}
