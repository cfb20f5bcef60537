// The store where IndexedDB is refused (store.js): the same calls on two Maps, for the page's
// lifetime only.
export class MemoryStore {
  #records = new Map(); // key -> record
  #taught = new Map(); // name -> taught tag

  async all() {
    return [...this.#records.values()];
  }

  async getMany(keys) {
    return keys.map((k) => this.#records.get(k));
  }

  async put(record) {
    for (const [k, r] of this.#records) if (r.path === record.path && k !== record.key) this.#records.delete(k);
    this.#records.set(record.key, record);
  }

  async clear() {
    this.#records.clear();
  }

  async allTaught() {
    return [...this.#taught.values()];
  }

  async putTaught(tag) {
    this.#taught.set(tag.name, tag);
  }

  async deleteTaught(name) {
    this.#taught.delete(name);
  }
}
