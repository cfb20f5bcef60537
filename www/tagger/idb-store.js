// Results in IndexedDB (idb), keyed by relative path + size + last-modified (folder.js fileKey):
// opening the same folder again only classifies new or changed photos. Records hold the
// top-5, the tags, the model that made them, a small JPEG thumbnail, the quantised embedding
// (`embedding: {q: Int8Array, norm}`, vectors.js: 1284 bytes for Lite0), or the error.
// Version 2 of the database added the embedding (records of version 1 have none: they still
// show and search; runner.partition tags them again to get one) and the taught tags' store.
// The thumbnail is a Blob; where IndexedDB refuses Blobs (WebKit's in-memory databases:
// private browsing, automation, "Error preparing Blob/File data to be stored") it is stored as
// its bytes, an ArrayBuffer, and read back as a Blob.
import { openDB } from 'idb';

const DB = 'effnet-tagger';
const STORE = 'results';
const TAUGHT = 'taught'; // taught tags (taught.js), keyed by name

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

export class IdbStore {
  #db;
  /** The error IndexedDB gave for a Blob thumbnail, once it has: later thumbnails go as bytes. */
  blobsRefused = null;

  constructor(db) {
    this.#db = db;
  }

  /** Rejects where IndexedDB cannot be opened (missing, SecurityError): store.js falls back. */
  static async open() {
    // then() turns a synchronous throw (no indexedDB, SecurityError) into a rejection too
    const db = await Promise.resolve().then(() =>
      openDB(DB, 2, {
        upgrade(d, oldVersion) {
          if (oldVersion < 1) d.createObjectStore(STORE, { keyPath: 'key' }).createIndex('path', 'path');
          if (oldVersion < 2) d.createObjectStore(TAUGHT, { keyPath: 'name' });
        },
      }),
    );
    return new IdbStore(db);
  }

  async all() {
    return (await this.#db.getAll(STORE)).map(fromStored);
  }

  /** In one transaction. */
  async getMany(keys) {
    const tx = this.#db.transaction(STORE);
    const done = settled(tx);
    const out = await Promise.all(keys.map((k) => tx.store.get(k)));
    await done;
    return out.map(fromStored);
  }

  async #write(record) {
    const tx = this.#db.transaction(STORE, 'readwrite');
    const done = settled(tx);
    const stale = (await tx.store.index('path').getAllKeys(record.path)).filter((k) => k !== record.key);
    await Promise.all([...stale.map((k) => tx.store.delete(k)), tx.store.put(record)]);
    await done;
  }

  async put(record) {
    const blob = record.thumb instanceof Blob;
    if (blob && this.blobsRefused) return this.#write(await asBytes(record));
    try {
      await this.#write(record);
    } catch (e) {
      if (!blob) throw e;
      // the same record with the thumbnail's bytes: if that fails too, its error is the one that counts
      await this.#write(await asBytes(record));
      this.blobsRefused = e;
    }
  }

  async clear() {
    await this.#db.clear(STORE);
  }

  async allTaught() {
    return this.#db.getAll(TAUGHT);
  }

  /** Replaces the taught tag of that name. */
  async putTaught(tag) {
    await this.#db.put(TAUGHT, tag);
  }

  async deleteTaught(name) {
    await this.#db.delete(TAUGHT, name);
  }
}
