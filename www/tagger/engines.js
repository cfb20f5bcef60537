// The tagger's classifiers: several single-threaded engines side by side (one worker each)
// where the machine has the cores, else one. A photo's decode, preprocessing and inference run
// one after another in a worker; with one worker per core each stage of one photo overlaps
// the stages of another, which one multi-threaded engine cannot do (its decode and
// preprocessing are single-threaded; bench/tagger.mjs measures both). Works without
// cross-origin isolation too. Same face as one ImageClassifier: model, backend, classify,
// dispose; `engines` is how many.
import { ImageClassifier } from 'effnet-wasm';
import { enginesParam } from './params.js';
import { plural } from '../ui/plural.js';

/**
 * How many engines for this machine: one per core, at most 4 (each holds a model), as the
 * library picks its threads (worker/runtime.js): the cores it measured (`backend.cores`) where
 * the browser claims more than two; navigator.hardwareConcurrency alone overstates (WebKitGTK
 * says 4 on 2 cores), so a claim above two that nothing measured counts as two. Never more than
 * claimed, and never fewer than two where two are claimed: a machine busy elsewhere measures
 * fewer cores than it has, and one engine would halve the tagging rate.
 */
export function engineCount(measured, claimed = globalThis.navigator?.hardwareConcurrency) {
  const claim = Number.isInteger(claimed) && claimed > 0 ? claimed : 1;
  return Math.min(4, claim, Math.max(measured ?? 2, 2));
}

export class Engines {
  #all;
  #busy;
  #oneReason;
  #disposed = false;
  #failed = null;

  /**
   * @param {ImageClassifier} first the engine that loaded the model (and filled the cache)
   * @param {{planned: number, options: object, oneReason?: string}} o planned: how many engines
   *   in all; the others start now from `options`, one after another, and take photos as each is
   *   ready; oneReason: why one engine runs one thread, where it was not asked
   */
  constructor(first, { planned, options, oneReason }) {
    this.#all = [first];
    this.#busy = [0];
    this.#oneReason = oneReason;
    this.engines = planned; // what the runner keeps busy: photos queue for the engines to come
    this.model = first.model;
    /** Settles when every planned engine has started, or one could not (then fewer run). */
    this.joined = this.#join(planned - 1, options);
  }

  async #join(more, options) {
    for (let i = 0; i < more && !this.#disposed; i++) {
      let c;
      try {
        c = await ImageClassifier.create({ ...options, onProgress: undefined });
      } catch (e) {
        this.#failed = e;
        this.engines = this.#all.length;
        console.warn(`effnet-wasm tagger: an engine could not start (${e.message}): ${this.#all.length} run`);
        return;
      }
      if (this.#disposed) return c.dispose();
      this.#all.push(c);
      this.#busy.push(0);
    }
  }

  /** The page's threads: every started engine's. */
  get backend() {
    const all = this.#all;
    const threads = all.reduce((n, c) => n + c.backend.threads, 0);
    // planned (`engines`) beyond one: each engine's own reason (`threads: 1 was asked`) would
    // misread as the page's
    let threadsReason = this.#oneReason ?? all[0].backend.threadsReason;
    if (this.engines > 1) {
      threadsReason =
        all.length < this.engines
          ? `${all.length} of ${this.engines} single-threaded engines started, one per core`
          : `${this.engines} single-threaded engines side by side, one per core`;
    }
    if (this.#failed) threadsReason = `${plural(all.length, 'engine')}: another could not start (${this.#failed.message})`;
    return { ...all[0].backend, threads, threadsReason, engines: all.length };
  }

  /**
   * Ready when the first engine is: the others start behind it (Engines#joined).
   * @param {object} options ImageClassifier.create's; `engines` (default: one per core the first
   *   engine's worker measured, engineCount()) > 1 makes each engine single-threaded
   */
  static async create({ engines = enginesParam, ...options } = {}) {
    // one core or several, each engine runs one thread, but for an explicit `engines: 1`
    const single = { ...options, threads: 1 };
    // the first fills the model cache (and measures the cores); the others read it
    const first = await ImageClassifier.create(engines === 1 ? options : single);
    const planned = Math.max(1, engines ?? engineCount(first.backend.cores));
    return new Engines(first, { planned, options: single, oneReason: planned === 1 && engines !== 1 ? 'one core: one single-threaded engine' : undefined });
  }

  /** Where the model came from: the first engine's load, which fills the cache for the others. */
  get load() {
    return this.#all[0].load;
  }

  /** Every engine's replaced workers (ImageClassifier#restarts). */
  get restarts() {
    return this.#all.flatMap((c) => c.restarts);
  }

  /** On the started engine with the fewest photos in flight. */
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
    this.#disposed = true;
    for (const c of this.#all) c.dispose();
  }
}
