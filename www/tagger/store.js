// Where the library keeps its results and taught tags: one interface, two stores.
// IndexedDB (idb-store.js) where the browser gives it; where it is refused (disabled, some
// private modes, Node) an in-memory store (memory-store.js) for the page's lifetime, so tagging
// still works, without persistence, and `unavailable` says why.
//
// A store's methods, all async:
//   all() every record; getMany(keys) the records for these keys (undefined where none);
//   put(record) stores it, older records of its path (the photo before it changed) go;
//   clear() forgets the records; allTaught(), putTaught(tag), deleteTaught(name) the taught tags.
import { IdbStore } from './idb-store.js';
import { MemoryStore } from './memory-store.js';

/** @typedef {IdbStore | MemoryStore} Store */

/** @returns {Promise<{store: Store, unavailable: Error | null}>} unavailable: why IndexedDB is not used */
export async function openStore() {
  try {
    return { store: await IdbStore.open(), unavailable: null };
  } catch (e) {
    return { store: new MemoryStore(), unavailable: e };
  }
}
