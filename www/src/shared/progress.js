// One create()'s progress over everything it downloads: each resource's events (the wasm's,
// the model's) go out with `resource` and the running `total` of bytes, so a page can show one
// bar. A total is only meaningful once every resource's size is known, so events are held
// until each resource's size is known: announced ahead (`expect`: a manifest model's size) or
// from its first event (the wasm's size is known only when its build is chosen, a custom
// model's when its download starts); held download events of one resource are coalesced to
// the latest. Without the announcement a wasm that finished before the model's first event
// reported once, at its end: no progress during its download.

export class LoadProgress {
  #send;
  #sizes = new Map(); // resource -> { loadedBytes, totalBytes, cached }, once it has reported
  #expected;
  #held = [];

  /**
   * @param {((e: object) => unknown) | undefined} send the caller's onProgress (may return a promise)
   * @param {string[]} resources every resource that will report, e.g. ['wasm', 'model']
   */
  constructor(send, resources) {
    this.#send = send;
    this.#expected = resources;
  }

  /** A function reporting `resource`'s events ({ phase, loadedBytes, totalBytes, cached? }). */
  for(resource) {
    this.#known(resource);
    return (e) => this.#report(resource, e);
  }

  #known(resource) {
    if (!this.#expected.includes(resource)) throw new Error(`LoadProgress: unexpected resource ${resource}`);
  }

  /** Whether every resource's size is known, so totals can go out. */
  #allSized() {
    return this.#expected.every((r) => this.#sizes.has(r));
  }

  /** The held events then `events`, each with the running total; the last send's result. */
  #flush(events) {
    const out = [...this.#held, ...events];
    this.#held = [];
    let result;
    for (const ev of out) result = this.#send({ ...ev, total: this.#total() });
    return result;
  }

  /**
   * Announces `resource`'s size before its first event, so the others' events need not wait
   * for it; no event is sent for it until it reports.
   * @param {string} resource
   * @param {number} totalBytes
   */
  expect(resource, totalBytes) {
    this.#known(resource);
    if (!this.#send || this.#sizes.has(resource) || !(totalBytes > 0)) return;
    this.#sizes.set(resource, { loadedBytes: 0, totalBytes, cached: false });
    if (this.#allSized()) this.#flush([]);
  }

  #report(resource, e) {
    if (!this.#send) return undefined;
    const last = this.#sizes.get(resource);
    // bytes never go backwards: a later phase (compile) repeats the full size; whether the bytes
    // came from a cache is what the last download event said (a bad cached copy is downloaded)
    const cached = e.phase === 'download' ? e.cached === true : (last?.cached ?? false);
    this.#sizes.set(resource, { loadedBytes: Math.max(e.loadedBytes, last?.loadedBytes ?? 0), totalBytes: e.totalBytes, cached });
    const event = { ...e, resource };
    if (!this.#allSized()) {
      const prev = this.#held.at(-1);
      if (prev && prev.resource === resource && prev.phase === 'download' && e.phase === 'download') this.#held.pop();
      this.#held.push(event);
      return undefined;
    }
    return this.#flush([event]);
  }

  /** Every resource's bytes added up; cachedBytes: those read from a cache, not downloaded. */
  #total() {
    let loadedBytes = 0;
    let totalBytes = 0;
    let cachedBytes = 0;
    for (const s of this.#sizes.values()) {
      loadedBytes += s.loadedBytes;
      totalBytes += s.totalBytes;
      if (s.cached) cachedBytes += s.totalBytes;
    }
    return { loadedBytes, totalBytes, cachedBytes };
  }
}
