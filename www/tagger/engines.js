// The tagger's classifiers: several single-threaded engines side by side (one worker each)
// where the machine has the cores, else one. A photo's decode, preprocessing and inference run
// one after another in a worker; with one worker per core each stage of one photo overlaps
// the stages of another, which one multi-threaded engine cannot do (its decode and
// preprocessing are single-threaded; bench/tagger.mjs measures both). Works without
// cross-origin isolation too. Same face as one ImageClassifier: model, backend, classify,
// dispose; `engines` is how many.
import { ImageClassifier } from 'effnet-wasm';
import { enginesParam } from './params.js';

/**
 * How many engines for this machine: one per core, at most 4 (each holds a model). `cores`: what
 * the library measured (`backend.cores`), else, where it measured nothing (a browser claiming at
 * most two), the browser's claim: navigator.hardwareConcurrency alone overstates (WebKitGTK
 * says 4 on 2 cores).
 */
export function engineCount(measured, claimed = globalThis.navigator?.hardwareConcurrency) {
  const cores = measured ?? claimed;
  return Math.max(1, Math.min(4, Number.isInteger(cores) ? cores : 1));
}

export class Engines {
  #all;
  #busy;

  /** @param {string} [oneReason] why one engine runs one thread, where it was not asked */
  constructor(all, oneReason) {
    this.#all = all;
    this.#busy = all.map(() => 0);
    this.engines = all.length;
    this.model = all[0].model;
    // the threads of all engines: what the page runs at once; with several, each engine's own
    // reason (its `threads: 1`) would misread as the page's
    const threads = all.reduce((n, c) => n + c.backend.threads, 0);
    const threadsReason = all.length > 1 ? `${all.length} single-threaded engines side by side, one per core measured` : (oneReason ?? all[0].backend.threadsReason);
    this.backend = { ...all[0].backend, threads, threadsReason, engines: all.length };
  }

  /**
   * @param {object} options ImageClassifier.create's; `engines` (default: one per core the first
   *   engine's worker measured, engineCount()) > 1 makes each engine single-threaded
   */
  static async create({ engines = enginesParam, ...options } = {}) {
    // one core or several, each engine runs one thread, but for an explicit `engines: 1`
    const single = { ...options, threads: 1 };
    // one after another: the first fills the model cache (and measures the cores), the others
    // read it
    const first = await ImageClassifier.create(engines === 1 ? options : single);
    const n = Math.max(1, engines ?? engineCount(first.backend.cores));
    const all = [first];
    try {
      for (let i = 1; i < n; i++) all.push(await ImageClassifier.create({ ...single, onProgress: undefined }));
    } catch (e) {
      for (const c of all) c.dispose();
      throw e;
    }
    return new Engines(all, n === 1 && engines !== 1 ? 'one core measured: one single-threaded engine' : undefined);
  }

  /** On the engine with the fewest photos in flight. */
  async classify(source, options) {
    const i = this.#busy.indexOf(Math.min(...this.#busy));
    this.#busy[i]++;
    try {
      return await this.#all[i].classify(source, options);
    } finally {
      this.#busy[i]--;
    }
  }

  dispose() {
    for (const c of this.#all) c.dispose();
  }
}
