// The page's one classifier: made when a model is first needed, kept for every later image
// and webcam frame, and disposed only when another model is chosen or the cache is cleared.

export class ModelSlot {
  #load;
  #id = null;
  #pending = null; // the classifier for #id, loaded or still loading

  /** @param {(id: string) => Promise<{dispose(): void}>} load */
  constructor(load) {
    this.#load = load;
  }

  /** The classifier for `id`: the one held (waiting for it if it is still loading), or a new one. */
  get(id) {
    if (this.#pending && this.#id === id) return this.#pending;
    this.drop();
    const pending = this.#load(id);
    this.#id = id;
    this.#pending = pending;
    // a failed load is not kept: the next use tries again
    pending.catch(() => this.#pending === pending && (this.#pending = null));
    return pending;
  }

  /** Disposes the classifier held: now, or as soon as its load ends, so none is left behind. */
  drop() {
    this.#pending?.then(
      (clf) => clf.dispose(),
      () => {},
    );
    this.#pending = null;
  }
}
