// Model bytes kept in IndexedDB. Metadata and bytes live in two stores so listing never reads
// megabytes. Only bytes the model session accepted are stored (shared/model-fetch.js), and a
// copy read back is checked again there (storage can be corrupted or edited).
import { openDB } from 'idb';
import { models } from './manifest.js';

const DB_NAME = 'effnet-wasm';
const META = 'meta'; // id -> { id, sha256, bytes, storedAt }
const BLOBS = 'blobs'; // id -> ArrayBuffer

// A transaction can wait behind another page's that will not end: a page frozen in the
// back-forward cache with its worker paused mid-write (WebKit). After STALL_MS, plus the time
// the slowest storage takes for the model's bytes (SLOW_BYTES_PER_MS: B7's 260 MB get 13 s
// more), a read counts as a miss (the error says `stalled`) and a write as not kept; the
// transaction itself is left to finish whenever the other page lets it.
export const STALL_MS = 3_000;
const SLOW_BYTES_PER_MS = 20_000; // 20 MB/s

function within(promise, what, bytes = 0) {
  const ms = STALL_MS + bytes / SLOW_BYTES_PER_MS;
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`the model cache did not answer within ${(ms / 1000).toFixed(1)} s (${what})`), { stalled: true })), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

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
  /** Whether the next create() of model `id` loads it from here: a copy is stored and, for a
   *  manifest model, it is the manifest's current version (the same sha256). */
  async has(id) {
    const meta = await (await db()).get(META, id);
    if (!meta) return false;
    const entry = models.find((m) => m.id === id);
    return !entry || entry.sha256 === meta.sha256;
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

/**
 * The stored copy of `entry`'s current version (the manifest's sha256 and size), or null; an
 * outdated one (the manifest moved on) is deleted. The caller checks its digest. Rejects with
 * `stalled` set when the cache does not answer (STALL_MS).
 * @returns {Promise<ArrayBuffer|null>}
 */
export function readCopy(entry) {
  return within(readNow(entry), `reading ${entry.id}`, entry.bytes);
}

async function readNow(entry) {
  const d = await db();
  const meta = await d.get(META, entry.id);
  if (!meta) return null;
  if (meta.sha256 === entry.sha256) {
    const data = await d.get(BLOBS, entry.id);
    if (data && data.byteLength === entry.bytes) return data;
  }
  await ModelCache.delete(entry.id);
  return null;
}

/** Keeps `data` as `entry`'s copy; false when storage refuses (quota, private mode) or stalls. */
export async function store(entry, data) {
  try {
    const write = async () => {
      const tx = (await db()).transaction([META, BLOBS], 'readwrite');
      await Promise.all([
        tx.objectStore(BLOBS).put(data, entry.id),
        tx.objectStore(META).put({ id: entry.id, sha256: entry.sha256, bytes: entry.bytes, storedAt: Date.now() }),
        tx.done,
      ]);
    };
    await within(write(), `storing ${entry.id}`, data.byteLength);
    return true;
  } catch (e) {
    // classification still works from memory
    console.warn(`effnet-wasm: model ${entry.id} not cached (${e.name}: ${e.message})`);
    return false;
  }
}
