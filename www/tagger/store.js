// Results in IndexedDB (idb), keyed by relative path + size + last-modified (folder.js fileKey):
// opening the same folder again only classifies new or changed photos. Records hold the
// top-5, the tags, the model that made them, a small JPEG thumbnail, or the error.
import { openDB } from 'idb';

const DB = 'effnet-tagger';
const STORE = 'results';

let dbp = null;
const db = () =>
  (dbp ??= openDB(DB, 1, {
    upgrade(d) {
      d.createObjectStore(STORE, { keyPath: 'key' }).createIndex('path', 'path');
    },
  }));

/** Every stored record. */
export async function allRecords() {
  return (await db()).getAll(STORE);
}

/** The stored records for these keys (undefined where none), in one transaction. */
export async function getMany(keys) {
  const tx = (await db()).transaction(STORE);
  const out = await Promise.all(keys.map((k) => tx.store.get(k)));
  await tx.done;
  return out;
}

/** Stores a result; older results for the same path (the photo before it changed) go. */
export async function put(record) {
  const tx = (await db()).transaction(STORE, 'readwrite');
  const stale = (await tx.store.index('path').getAllKeys(record.path)).filter((k) => k !== record.key);
  await Promise.all([...stale.map((k) => tx.store.delete(k)), tx.store.put(record)]);
  await tx.done;
}

export async function count() {
  return (await db()).count(STORE);
}

export async function clear() {
  await (await db()).clear(STORE);
}
