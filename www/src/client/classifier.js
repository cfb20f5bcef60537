// ImageClassifier on the main thread: options are checked here, images become transferable
// payloads (client/sources.js), and the work runs in a dedicated worker through a queue
// (client/worker-queue.js) that restarts it after a crash.
import * as Comlink from 'comlink';
import { EffnetError, ErrorCode } from '../shared/errors.js';
import { classifyEach } from '../shared/batch.js';
import { classifyOptions, embedOptions } from '../shared/classify-options.js';
import { checkEmbedding, locateModel } from '../shared/manifest.js';
import { toPayload } from './sources.js';
import { hostWorkersOf } from './worker-host.js';
import { START_ATTEMPTS, WorkerQueue } from './worker-queue.js';

// The package's models/ folder. Bundlers rewrite import.meta.url to the page, so the default
// model is also named literally: they then ship it with the app as an asset.
const HOST = {
  base: (where) => new URL(where, globalThis.location?.href),
  // a folder, not a file: Vite would warn that it cannot ship it, which is meant
  packagedBase: new URL(/* @vite-ignore */ '../../../models/', import.meta.url),
  packaged: { 'efficientnet-lite0': () => new URL('../../../models/efficientnet-lite0.onnx', import.meta.url) },
};

// literal, so bundlers ship the worker as its own chunk; the workers it needs (its thread
// pool's) are started here, on the page (shared/page-spawn.js)
const spawnWorker = () => hostWorkersOf(new Worker(new URL('../worker/worker.js', import.meta.url), { type: 'module', name: 'effnet-wasm' }));

const KEY = Symbol('create');

// the cores the first classifier's worker measured (worker/cores.js): the page's later
// classifiers, the ones a crash restarts included, start without measuring again
let measuredCores;

// When a starting worker is taken for hung and replaced (worker-queue.js): no start is known to
// hang since no worker constructs a worker (shared/page-spawn.js), but a pool whose threads do not
// answer must not leave the page waiting. A third attempt, if the second hangs too, starts no
// pool at all: one thread rather than none.
// - START_TIMEOUT_MS: the longest the worker may go without a sign of progress (a download
//   event, a stage begun): a slow network is not a hang, and a slow device compiles in
//   seconds, not this.
// - POOL_START_TIMEOUT_MS: the thread pool's start, told apart (the worker says when it
//   begins), normally well under a second: the hang is caught in seconds, not half a minute.
export const START_TIMEOUT_MS = 30_000;
export const POOL_START_TIMEOUT_MS = 8_000;

/**
 * `promise` (the worker's init), or a WORKER_CRASHED rejection marked `hung` if the worker
 * goes quiet: `alive(stage)` restarts the clock, `alive('pool')` gives the pool's start its own
 * shorter one.
 */
function watched(startInit, quietMs, poolMs) {
  let timer;
  let fail;
  let settled = false; // the model's download events go on after init: no clock then
  const late = new Promise((_, reject) => (fail = reject));
  const arm = (ms, what) => {
    if (settled) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const err = new EffnetError(ErrorCode.WORKER_CRASHED, `the classifier worker ${what} within ${ms / 1000} s`);
      err.hung = true; // worker-queue.js tries a fresh worker
      fail(err);
    }, ms);
  };
  const quiet = () => arm(quietMs, 'did not start its wasm runtime: no progress');
  quiet();
  const alive = (stage) => (stage === 'pool' ? arm(poolMs, 'did not start its thread pool') : quiet());
  return Promise.race([startInit(alive), late]).finally(() => {
    settled = true;
    clearTimeout(timer);
  });
}

/** A restart is recovered from, but a developer should hear of it: it hides a defect somewhere. */
export const RESTART_WARNING = 'effnet-wasm: the classifier worker was replaced';
// A page being left ends its workers' script loads (Firefox: NS_BINDING_ABORTED, WebKit: "Load
// failed"), from the navigation's start, which the queue sees as a crash: no defect, and no one
// left to tell. A navigation called off (beforeunload without pagehide) is over in seconds.
let leaving = false;
globalThis.addEventListener?.('beforeunload', () => {
  leaving = true;
  setTimeout(() => (leaving = false), 5000);
});
globalThis.addEventListener?.('pagehide', () => (leaving = true));
globalThis.addEventListener?.('pageshow', () => (leaving = false));
function warnRestart(r) {
  if (leaving) return;
  console.warn(`${RESTART_WARNING} (${r.during}${r.hung ? ', hung' : ''}${r.retried ? ', run again' : ''}): ${r.reason}`);
}

export class ImageClassifier {
  #entry;
  #queue;

  constructor(key, entry, queue) {
    if (key !== KEY) throw new TypeError('use ImageClassifier.create(options)');
    this.#entry = entry;
    this.#queue = queue;
  }

  static create(options = {}) {
    return createClassifier(options, spawnWorker);
  }

  /** The manifest entry of the loaded model. */
  get model() {
    return this.#entry;
  }

  /** @returns {import('../index.d.ts').Backend} the current worker's */
  get backend() {
    return this.#queue.booted?.backend;
  }

  /** How the current worker obtained the model: { cached, stored, bytes }. */
  get load() {
    return this.#queue.booted?.load;
  }

  /** Each worker replaced after it crashed, trapped or hung starting: why, and whether the call
   *  (or the start) ran again. */
  get restarts() {
    return this.#queue.restarts.map((r) => ({ ...r }));
  }

  /** Runs `call(api, payload, transfer)` in the queue; a retry converts the image again (the
   *  first payload went to the dead worker). */
  async #withImage(source, call) {
    const first = await toPayload(source);
    return this.#queue.run(async (api, attempt) => {
      const { payload, transfer } = attempt === 1 ? first : await toPayload(source);
      return call(api, Comlink.transfer(payload, transfer));
    });
  }

  /**
   * @param {import('../index.d.ts').ImageSource} source
   * @param {import('../index.d.ts').ClassifyOptions} [options]
   */
  async classify(source, options = {}) {
    if (this.#queue.disposed) throw new EffnetError(ErrorCode.DISPOSED, 'the classifier was disposed');
    const opts = classifyOptions(options); // before the image is converted
    if (opts.withEmbedding) checkEmbedding(this.#entry);
    const r = await this.#withImage(source, (api, payload) => api.classify(payload, opts));
    return { ...r, backend: this.backend };
  }

  /**
   * The image's embedding: the model's pooled features before its classifier head, from one
   * inference (MediaPipe ImageEmbedder's result shape, one head).
   * @param {import('../index.d.ts').ImageSource} source
   * @param {import('../index.d.ts').EmbedOptions} [options]
   */
  async embed(source, options = {}) {
    if (this.#queue.disposed) throw new EffnetError(ErrorCode.DISPOSED, 'the classifier was disposed');
    const opts = embedOptions(options); // before the image is converted
    checkEmbedding(this.#entry);
    return this.#withImage(source, (api, payload) => api.embed(payload, opts));
  }

  /** Classifies every source; a failed one gives `{ error }` in its place and the rest go on. */
  async classifyBatch(sources, options = {}, onProgress) {
    return classifyEach((s, o) => this.classify(s, o), sources, options, onProgress);
  }

  /** Per-operator times of one inference on the last classified image (not retried: a fresh
   *  worker has classified nothing). */
  async profile() {
    return this.#queue.run((api) => api.profile(), { retries: 0 });
  }

  /** Frees the model and the worker; later calls reject with code 'DISPOSED'. */
  dispose() {
    this.#queue.dispose();
  }
}

/**
 * ImageClassifier.create with the worker factory as a parameter, for tests to pass a fake.
 * @param {() => Worker} spawn
 */
export async function createClassifier(options, spawn, { startTimeoutMs = START_TIMEOUT_MS, poolStartTimeoutMs = POOL_START_TIMEOUT_MS } = {}) {
  const { threads = 'auto', relaxedSimd = true, cache = true, cacheRuntime = false, onProgress } = options;
  if (typeof cacheRuntime !== 'boolean') throw new EffnetError(ErrorCode.BAD_OPTIONS, `cacheRuntime must be true or false, not ${cacheRuntime}`);
  const { entry, url } = locateModel(options, HOST);
  const queue = new WorkerQueue(spawn, async (call, { attempt }) => {
    const last = attempt === START_ATTEMPTS && threads !== 1;
    let init;
    let load;
    const backend = await watched(
      (alive) => {
        // every event is a sign of progress: a slow download is not a hang
        const progress = Comlink.proxy((e) => {
          alive('progress');
          return onProgress?.(e);
        });
        // both in flight at once: the worker fetches the model while its wasm compiles
        // one progress for both (shared/progress.js): the worker adds up the wasm's and the model's bytes
        init = call((api) => api.init(last ? 1 : threads, { relaxedSimd, cores: measuredCores, cacheRuntime }, progress, Comlink.proxy(alive)));
        load = call((api) => api.load(entry, url.href, cache));
        init.catch(() => {});
        load.catch(() => {});
        return init;
      },
      startTimeoutMs,
      poolStartTimeoutMs,
    );
    if (last) backend.threadsReason = 'two threaded starts hung (a thread pool that did not start): this worker runs without one';
    measuredCores ??= backend.cores ?? undefined;
    return { backend, load: await load };
  }, { onRestart: warnRestart });
  await queue.start();
  return new ImageClassifier(KEY, entry, queue);
}
