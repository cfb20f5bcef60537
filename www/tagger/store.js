// Results in IndexedDB (idb), keyed by relative path + size + last-modified (folder.js fileKey):
// opening the same folder again only classifies new or changed photos. Records hold the
// top-5, the tags, the model that made them, a small JPEG thumbnail, or the error.
// Where IndexedDB cannot be opened (disabled, some private modes) the same calls work on a Map
// for the page's lifetime, so tagging still works, without persistence.
import { openDB } from 'idb';

const DB = 'effnet-tagger';
const STORE = 'results';

let dbp = null;
let memory = null; // key -> record, once IndexedDB failed to open
/** Why results are not persisted (the error opening IndexedDB), or null. */
export let unavailable = null;

// then() turns a synchronous throw (no indexedDB, SecurityError) into a rejection too
const db = () =>
  (dbp ??= Promise.resolve()
    .then(() =>
      openDB(DB, 1, {
        upgrade(d) {
          d.createObjectStore(STORE, { keyPath: 'key' }).createIndex('path', 'path');
        },
      }),
    )
    .catch((e) => {
      unavailable = e;
      memory = new Map();
      return null;
    }));

/** Every stored record. */
export async function allRecords() {
  const d = await db();
  return d ? d.getAll(STORE) : [...memory.values()];
}

/** The stored records for these keys (undefined where none), in one transaction. */
export async function getMany(keys) {
  const d = await db();
  if (!d) return keys.map((k) => memory.get(k));
  const tx = d.transaction(STORE);
  const out = await Promise.all(keys.map((k) => tx.store.get(k)));
  await tx.done;
  return out;
}

/** Stores a result; older results for the same path (the photo before it changed) go. */
export async function put(record) {
  const d = await db();
  if (!d) {
    for (const [k, r] of memory) if (r.path === record.path && k !== record.key) memory.delete(k);
    memory.set(record.key, record);
    return;
  }
  const tx = d.transaction(STORE, 'readwrite');
  const stale = (await tx.store.index('path').getAllKeys(record.path)).filter((k) => k !== record.key);
  await Promise.all([...stale.map((k) => tx.store.delete(k)), tx.store.put(record)]);
  await tx.done;
}

export async function clear() {
  const d = await db();
  if (d) await d.clear(STORE);
  else memory.clear();
}
