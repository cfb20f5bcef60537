// One progress bar for everything a classifier's start downloads (the wasm engine and the
// model), for both pages: the library's onProgress events carry each resource's bytes
// (`resource`, `loadedBytes`, `totalBytes`, `cached`); the bar and its text count only what
// comes over the network, so a model read from the cache does not show as a download.
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;

export class LoadBar {
  #bar;
  #text;
  #resources = new Map(); // resource -> { loadedBytes, totalBytes, cached }

  /** @param {HTMLProgressElement} bar @param {HTMLElement} text */
  constructor(bar, text) {
    this.#bar = bar;
    this.#text = text;
  }

  /** The figures so far: bytes downloaded and to download, and whether all came from caches. */
  get figures() {
    let loadedBytes = 0;
    let totalBytes = 0;
    for (const r of this.#resources.values()) {
      if (r.cached) continue;
      loadedBytes += r.loadedBytes;
      totalBytes += r.totalBytes;
    }
    return { loadedBytes, totalBytes, allCached: this.#resources.size > 0 && totalBytes === 0 };
  }

  /** @param {{phase: string, resource?: string, loadedBytes: number, totalBytes: number, cached?: boolean}} e */
  update(e) {
    const resource = e.resource ?? 'model';
    const was = this.#resources.get(resource);
    this.#resources.set(resource, { loadedBytes: e.loadedBytes, totalBytes: e.totalBytes, cached: e.cached ?? was?.cached ?? false });
    const { loadedBytes, totalBytes, allCached } = this.figures;
    this.#bar.value = totalBytes ? loadedBytes / totalBytes : 1;
    if (e.phase === 'compile') this.#text.textContent = 'Preparing the model…';
    else if (e.phase === 'ready') this.#text.textContent = 'Ready';
    else if (allCached) this.#text.textContent = 'Loaded from the cache';
    else this.#text.textContent = `Downloading ${mb(loadedBytes)} of ${mb(totalBytes)} (${Math.round(this.#bar.value * 100)}%)`;
  }
}
