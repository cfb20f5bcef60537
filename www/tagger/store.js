// Results in IndexedDB (idb), keyed by relative path + size + last-modified (folder.js fileKey):
// opening the same folder again only classifies new or changed photos. Records hold the
// top-5, the tags, the model that made them, a small JPEG thumbnail, the quantised embedding
// (`embedding: {q: Int8Array, norm}`, vectors.js: 1284 bytes for Lite0), or the error.
// Version 2 of the database added the embedding (records of version 1 have none: they still
// show and search; runner.partition tags them again to get one) and the taught tags' store.
// The thumbnail is a Blob; where IndexedDB refuses Blobs (WebKit's in-memory databases:
// private browsing, automation, "Error preparing Blob/File data to be stored") it is stored as
// its bytes, an ArrayBuffer, and read back as a Blob.
// Where IndexedDB cannot be opened (disabled, some private modes) the same calls work on a Map
// for the page's lifetime, so tagging still works, without persistence.
import { openDB } from 'idb';

const DB = 'effnet-tagger';
const STORE = 'results';
const TAUGHT = 'taught'; // taught tags (taught.js), keyed by name

let dbp = null;
let memory = null; // key -> record, once IndexedDB failed to open
let memoryTaught = null; // name -> taught tag, idem
/** Why results are not persisted (the error opening IndexedDB), or null. */
export let unavailable = null;

// then() turns a synchronous throw (no indexedDB, SecurityError) into a rejection too
const db = () =>
  (dbp ??= Promise.resolve()
    .then(() =>
      openDB(DB, 2, {
        upgrade(d, oldVersion) {
          if (oldVersion < 1) d.createObjectStore(STORE, { keyPath: 'key' }).createIndex('path', 'path');
          if (oldVersion < 2) d.createObjectStore(TAUGHT, { keyPath: 'name' });
        },
      }),
    )
    .catch((e) => {
      unavailable = e;
      memory = new Map();
      memoryTaught = new Map();
      return null;
    }));

/** The error IndexedDB gave for a Blob thumbnail, once it has: later thumbnails go as bytes. */
export let blobsRefused = null;

const asBytes = async ({ thumb, ...r }) => ({ ...r, thumb: null, thumbBytes: await thumb.arrayBuffer(), thumbType: thumb.type });
const fromStored = (r) => {
  if (!r?.thumbBytes) return r;
  const { thumbBytes, thumbType, ...rest } = r;
  return { ...rest, thumb: new Blob([thumbBytes], { type: thumbType }) };
};

/**
 * A transaction's `done`, with its rejection handled: when a request in it fails the
 * transaction aborts too, and the request's own error is the one reported (else the abort
 * would surface as an unhandled AbortError).
 */
const settled = (tx) => {
  tx.done.catch(() => {});
  return tx.done;
};

/** Every stored record. */
export async function allRecords() {
  const d = await db();
  return d ? (await d.getAll(STORE)).map(fromStored) : [...memory.values()];
}

/** The stored records for these keys (undefined where none), in one transaction. */
export async function getMany(keys) {
  const d = await db();
  if (!d) return keys.map((k) => memory.get(k));
  const tx = d.transaction(STORE);
  const done = settled(tx);
  const out = await Promise.all(keys.map((k) => tx.store.get(k)));
  await done;
  return out.map(fromStored);
}

async function write(d, record) {
  const tx = d.transaction(STORE, 'readwrite');
  const done = settled(tx);
  const stale = (await tx.store.index('path').getAllKeys(record.path)).filter((k) => k !== record.key);
  await Promise.all([...stale.map((k) => tx.store.delete(k)), tx.store.put(record)]);
  await done;
}

/** Stores a result; older results for the same path (the photo before it changed) go. */
export async function put(record) {
  const d = await db();
  if (!d) {
    for (const [k, r] of memory) if (r.path === record.path && k !== record.key) memory.delete(k);
    memory.set(record.key, record);
    return;
  }
  const blob = record.thumb instanceof Blob;
  if (blob && blobsRefused) return write(d, await asBytes(record));
  try {
    await write(d, record);
  } catch (e) {
    if (!blob) throw e;
    // the same record with the thumbnail's bytes: if that fails too, its error is the one that counts
    await write(d, await asBytes(record));
    blobsRefused = e;
  }
}

export async function clear() {
  const d = await db();
  if (d) await d.clear(STORE);
  else memory.clear();
}

/** Every taught tag. */
export async function allTaught() {
  const d = await db();
  return d ? d.getAll(TAUGHT) : [...memoryTaught.values()];
}

/** Stores a taught tag (replacing the one of that name). */
export async function putTaught(tag) {
  const d = await db();
  if (d) await d.put(TAUGHT, tag);
  else memoryTaught.set(tag.name, tag);
}

export async function deleteTaught(name) {
  const d = await db();
  if (d) await d.delete(TAUGHT, name);
  else memoryTaught.delete(name);
}
