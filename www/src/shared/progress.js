// One create()'s progress over everything it downloads: each resource's events (the wasm's,
// the model's) go out with `resource` and the running `total` of bytes, so a page can show one
// bar. A total is only meaningful once every resource's size is known, so events are held
// until each resource has reported once (the wasm's size is known only when its build is
// chosen, the model's when its download starts); held download events of one resource are
// coalesced to the latest.

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
    if (!this.#expected.includes(resource)) throw new Error(`LoadProgress: unexpected resource ${resource}`);
    return (e) => this.#report(resource, e);
  }

  #report(resource, e) {
    if (!this.#send) return undefined;
    const last = this.#sizes.get(resource);
    // bytes never go backwards: a later phase (compile) repeats the full size; whether the bytes
    // came from a cache is what the last download event said (a bad cached copy is downloaded)
    const cached = e.phase === 'download' ? e.cached === true : (last?.cached ?? false);
    this.#sizes.set(resource, { loadedBytes: Math.max(e.loadedBytes, last?.loadedBytes ?? 0), totalBytes: e.totalBytes, cached });
    const event = { ...e, resource };
    if (this.#expected.some((r) => !this.#sizes.has(r))) {
      const prev = this.#held.at(-1);
      if (prev && prev.resource === resource && prev.phase === 'download' && e.phase === 'download') this.#held.pop();
      this.#held.push(event);
      return undefined;
    }
    const out = [...this.#held, event];
    this.#held = [];
    let result;
    for (const ev of out) result = this.#send({ ...ev, total: this.#total() });
    return result;
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
