// The collection: the one owner of the photos' records and the taught tags. It keeps them in
// its store (store.js), builds the vector index when first asked after a change, gives every
// record its taught tags (record.taught), and says what changed through events, which the
// page's views (grid, details, similar photos, duplicates, teach a tag, export) follow.
// Pure: no DOM.
//
// Events (Event, with the fields below on it):
//   'add'    a new result: `record`, and `removed`, the keys of the results it replaced
//            (the photo changed since);
//   'reset'  the records were replaced as a whole: `cause` 'load' (read from the store) or 'clear';
//   'taught' the taught tags changed, or were applied anew: every record's `taught` may differ.
import { filterRecords, tagCounts } from './tags.js';
import { applyTag, fromFile, judge, taughtSpace, teach } from './taught.js';
import { VectorIndex } from './vectors.js';

const event = (type, fields = {}) => Object.assign(new Event(type), fields);

export class Library extends EventTarget {
  #store;
  #records = new Map(); // key -> record
  #taught = new Map(); // name -> taught tag
  #index = null; // the embeddings of the records, built when first asked after a change

  /** @param {import('./store.js').Store | Promise<import('./store.js').Store>} store */
  constructor(store) {
    super();
    this.#store = Promise.resolve(store);
  }

  /** Every record, the failed ones too, in the order they came. */
  all() {
    return [...this.#records.values()];
  }

  /** The records of tagged photos (not the failed ones). */
  tagged() {
    return this.all().filter((r) => !r.error);
  }

  get(key) {
    return this.#records.get(key);
  }

  /** The stored records for these keys (undefined where none): what an earlier run left. */
  async stored(keys) {
    return (await this.#store).getMany(keys);
  }

  /** Reads what earlier visits stored, then their taught tags (rejects naming which failed). */
  async load() {
    const records = await (await this.#store).all();
    this.#records = new Map(records.map((r) => [r.key, r]));
    this.#changed();
    this.dispatchEvent(event('reset', { cause: 'load' }));
    return records;
  }

  /** Reads the stored taught tags and applies them. */
  async loadTaught() {
    for (const t of await (await this.#store).allTaught()) this.#taught.set(t.name, t);
    this.refreshTaught();
  }

  /**
   * A new result, kept at once (the views see it) and then stored. Rejects with the store's
   * error when storing fails: the record stays in the library for this visit all the same.
   */
  async add(record) {
    const removed = [];
    for (const [key, old] of this.#records) {
      if (old.path === record.path && key !== record.key) removed.push(key);
    }
    for (const key of removed) this.#records.delete(key);
    this.#records.set(record.key, record);
    this.#changed();
    this.dispatchEvent(event('add', { record, removed }));
    await (await this.#store).put(record);
  }

  /** Forgets every record (the taught tags stay, as stored). */
  async clear() {
    await (await this.#store).clear();
    this.#records.clear();
    this.#changed();
    this.dispatchEvent(event('reset', { cause: 'clear' }));
  }

  /** The embeddings of the tagged photos, as one index (a copy of the records' own). */
  vectors() {
    return (this.#index ??= VectorIndex.from(this.tagged()));
  }

  #changed() {
    this.#index = null;
  }

  // --- search and export ---

  /** The tagged photos having the tag `query` (all of them without one), best first (tags.js filterRecords). */
  search(query, order) {
    return filterRecords(this.all(), query, { order });
  }

  /** Every tag present with how many photos have it, most frequent first. */
  tagCounts() {
    return tagCounts(this.all());
  }

  /** What an export holds, by path: with a tag searched the photos having it, without, every record (the failed ones too). */
  forExport(query = '') {
    const records = query ? this.search(query).map((h) => h.record) : this.all();
    return records.sort((a, b) => a.path.localeCompare(b.path));
  }

  // --- taught tags (taught.js) ---

  taughtTags() {
    return [...this.#taught.values()];
  }

  taughtTag(name) {
    return this.#taught.get(name);
  }

  /** The tag applied to every tagged photo, best first (taught.js applyTag). */
  applied(name) {
    const tag = this.#taught.get(name);
    return tag ? applyTag(tag, this.vectors(), { tagsOf: this.#tagsOf }) : [];
  }

  /**
   * Teaches `name` from the photos of `keys`, or, for a tag taught before, adds them to its
   * examples. `skipped`: the photos left out, having no embedding.
   * @returns {Promise<{tag: object, skipped: object[]}>}
   */
  async teach(name, keys) {
    const picked = keys.map((k) => this.#records.get(k)).filter(Boolean);
    let tag = this.#taught.get(name);
    if (tag) for (const r of picked.filter((r) => r.embedding)) tag = judge(tag, r, 'positive');
    else tag = teach(name, picked);
    await this.#putTaught(tag);
    return { tag, skipped: picked.filter((r) => !r.embedding) };
  }

  /** Confirms (positive) or rejects (negative) the photo of `key` for the tag `name`. */
  async judge(name, key, verdict) {
    await this.#putTaught(judge(this.#taught.get(name), this.#records.get(key), verdict));
  }

  async forget(name) {
    await (await this.#store).deleteTaught(name);
    this.#taught.delete(name);
    this.applyTaught();
  }

  /** Reads a taught-tags file (taught.js fromFile, checked against `model` and the collection's dims) and keeps its tags. */
  async importTaught(text, model) {
    const index = this.vectors();
    const tags = fromFile(text, { model, dims: index.size ? index.dims : undefined });
    const store = await this.#store;
    for (const t of tags) {
      this.#taught.set(t.name, t);
      await store.putTaught(t);
    }
    this.applyTaught();
    return tags;
  }

  /** A photo's tags, as taught tags score them beside its embedding (taught-space.js). */
  #tagsOf = (key) => this.#records.get(key)?.tags;

  async #putTaught(tag) {
    this.#taught.set(tag.name, tag);
    await (await this.#store).putTaught(tag);
    this.applyTaught();
  }

  /** New results arrived: the taught tags are applied to them too (once per run, not per result). */
  refreshTaught() {
    if (this.#taught.size) this.applyTaught();
  }

  /** Gives every record its taught tags (record.taught), as search, details and exports read them. */
  applyTaught() {
    for (const r of this.#records.values()) r.taught = [];
    const index = this.vectors();
    const space = this.#taught.size && index.size ? taughtSpace(index, this.#tagsOf) : null;
    for (const tag of this.#taught.values()) {
      for (const a of applyTag(tag, index, { space })) {
        if (a.suggested) this.#records.get(a.key).taught.push({ tag: tag.name, score: a.score, kind: 'taught', confirmed: a.kind === 'positive' });
      }
    }
    this.dispatchEvent(event('taught'));
  }
}
