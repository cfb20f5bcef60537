// One progress bar for everything a classifier's start downloads (the wasm engine and the
// model), for both pages, from the library's onProgress `total`; the bar and its text count
// only what comes over the network (`total.cachedBytes` are read from caches), so a model read
// from the cache does not show as a download.
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;

export class LoadBar {
  #bar;
  #text;

  /** @param {HTMLProgressElement} bar @param {HTMLElement} text */
  constructor(bar, text) {
    this.#bar = bar;
    this.#text = text;
  }

  /** @param {{phase: string, total: {loadedBytes: number, totalBytes: number, cachedBytes: number}}} e */
  update({ phase, total }) {
    const loaded = total.loadedBytes - total.cachedBytes;
    const size = total.totalBytes - total.cachedBytes;
    this.#bar.value = size ? loaded / size : 1;
    if (phase === 'compile') this.#text.textContent = 'Preparing the model…';
    else if (phase === 'ready') this.#text.textContent = 'Ready';
    else if (!size) this.#text.textContent = 'Loaded from the cache';
    else this.#text.textContent = `Downloading ${mb(loaded)} of ${mb(size)} (${Math.round(this.#bar.value * 100)}%)`;
  }
}
