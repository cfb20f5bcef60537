// Model bytes kept in IndexedDB. Metadata and bytes live in two stores so listing never reads
// megabytes. Only bytes the model session accepted are stored (shared/model-fetch.js), and a
// copy read back is checked again there (storage can be corrupted or edited).
import { openDB } from 'idb';
import { models } from './manifest.js';

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
 * outdated one (the manifest moved on) is deleted. The caller checks its digest.
 * @returns {Promise<ArrayBuffer|null>}
 */
export async function readCopy(entry) {
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

/** Keeps `data` as `entry`'s copy; false when storage refuses (quota, private mode). */
export async function store(entry, data) {
  try {
    const tx = (await db()).transaction([META, BLOBS], 'readwrite');
    await Promise.all([
      tx.objectStore(BLOBS).put(data, entry.id),
      tx.objectStore(META).put({ id: entry.id, sha256: entry.sha256, bytes: entry.bytes, storedAt: Date.now() }),
      tx.done,
    ]);
    return true;
  } catch (e) {
    // classification still works from memory
    console.warn(`effnet-wasm: model ${entry.id} not cached (${e.name}: ${e.message})`);
    return false;
  }
}
