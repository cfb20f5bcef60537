// The public API on the main thread. Heavy work runs in a dedicated worker (comlink).
import * as Comlink from 'comlink';
import { simd, relaxedSimd, threads } from 'wasm-feature-detect';
import { EffnetError, ErrorCode, toEffnetError } from '../shared/errors.js';
import { classifyEach } from '../shared/batch.js';
import { classifyOptions } from '../shared/classify-options.js';
import { locateModel, models } from '../shared/manifest.js';
import { ModelCache } from '../shared/model-cache.js';
import { toPayload } from './sources.js';

export { EffnetError, ErrorCode, ModelCache, models };

// The package's models/ folder. Bundlers rewrite import.meta.url to the page, so the default
// model is also named literally: they then ship it with the app as an asset.
const HOST = {
  base: (where) => new URL(where, globalThis.location?.href),
  packagedBase: new URL('../../../models/', import.meta.url),
  packaged: { 'efficientnet-lite0': () => new URL('../../../models/efficientnet-lite0.onnx', import.meta.url) },
};

export async function capabilities() {
  return {
    simd: await simd(),
    relaxedSimd: await relaxedSimd(),
    threads: (await threads()) && globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function',
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: globalThis.navigator?.hardwareConcurrency ?? 1,
  };
}

/** A worker plus what it takes to bring one back after a crash. */
class WorkerHandle {
  constructor(onCrash) {
    this.worker = new Worker(new URL('../worker/worker.js', import.meta.url), { type: 'module', name: 'effnet-wasm' });
    this.api = Comlink.wrap(this.worker);
    this.crashed = new Promise((_, reject) => {
      this.fail = reject;
    });
    this.crashed.catch(() => {});
    this.worker.addEventListener('error', (e) => {
      e.preventDefault?.();
      onCrash(e.message || 'uncaught error');
    });
  }

  /** Runs `fn(api)`, rejecting at once if the worker dies meanwhile. */
  call(fn) {
    return Promise.race([fn(this.api), this.crashed]);
  }

  /** Stops the worker; calls in flight reject with `error`. Idempotent. */
  terminate(error) {
    if (this.stopped) return;
    this.stopped = true;
    this.fail(error);
    this.api[Comlink.releaseProxy]?.();
    this.worker.terminate();
  }
}

export class ImageClassifier {
  #opts;
  #entry;
  #url;
  #handle = null;
  #queue = Promise.resolve();
  #disposed = false;
  #killDuringNextCall = false;
  /** @type {{simd: boolean, relaxedSimd: boolean, threads: number, build: string}} */
  backend;
  /** how the model was obtained at create: { cached, stored, bytes } */
  load;

  constructor(key) {
    if (key !== ImageClassifier.#key) throw new TypeError('use ImageClassifier.create(options)');
  }
  static #key = Symbol('create');

  static async create(options = {}) {
    const clf = new ImageClassifier(ImageClassifier.#key);
    const { threads = 'auto', relaxedSimd = true, cache = true, onProgress } = options;
    const { entry, url } = locateModel(options, HOST);
    clf.#entry = entry;
    clf.#url = url.href;
    clf.#opts = { threads, relaxedSimd, cache, onProgress };
    await clf.#start();
    return clf;
  }

  /** The manifest entry of the loaded model. */
  get model() {
    return this.#entry;
  }

  async #start() {
    const handle = new WorkerHandle((why) => this.#crash(handle, why));
    this.#handle = handle;
    try {
      const progress = this.#opts.onProgress ? Comlink.proxy(this.#opts.onProgress) : undefined;
      // both in flight at once: the worker fetches the model while its wasm compiles
      const init = handle.call((api) => api.init(this.#opts.threads, { relaxedSimd: this.#opts.relaxedSimd }));
      const load = handle.call((api) => api.load(this.#entry, this.#url, this.#opts.cache, progress));
      init.catch(() => {});
      load.catch(() => {});
      this.backend = await init;
      this.load = await load;
    } catch (e) {
      handle.terminate(toEffnetError(e));
      if (this.#handle === handle) this.#handle = null;
      throw toEffnetError(e);
    }
  }

  #crash(handle, why) {
    handle.terminate(new EffnetError(ErrorCode.WORKER_CRASHED, `the classifier worker stopped: ${why}`));
    if (this.#handle === handle) this.#handle = null; // the next call starts a fresh worker
  }

  /** Serialises calls: one image at a time through the worker, in call order. */
  #enqueue(fn) {
    const run = this.#queue.then(async () => {
      if (this.#disposed) throw new EffnetError(ErrorCode.DISPOSED, 'the classifier was disposed');
      if (!this.#handle) await this.#start();
      const handle = this.#handle;
      try {
        const pending = fn(handle);
        if (this.#killDuringNextCall) {
          this.#killDuringNextCall = false;
          this.#crash(handle, 'killed');
        }
        return await pending;
      } catch (e) {
        const err = toEffnetError(e);
        // a dead or trapped worker is replaced by the next call
        if (err.code === ErrorCode.WORKER_CRASHED) this.#crash(handle, err.message);
        throw err;
      }
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  /**
   * @param {ImageBitmapSource | ImageData | Blob | {data: Uint8ClampedArray, width: number, height: number}} source
   * @param {{maxResults?: number, scoreThreshold?: number, categoryAllowlist?: string[], categoryDenylist?: string[]}} [options]
   */
  async classify(source, options = {}) {
    if (this.#disposed) throw new EffnetError(ErrorCode.DISPOSED, 'the classifier was disposed');
    const opts = classifyOptions(options); // before the image is converted
    const { payload, transfer } = await toPayload(source);
    return this.#enqueue(async (handle) => {
      const r = await handle.call((api) => api.classify(Comlink.transfer(payload, transfer), opts));
      return { ...r, backend: this.backend };
    });
  }

  /** Classifies every source; a failed one gives `{ error }` in its place and the rest go on. */
  async classifyBatch(sources, options = {}, onProgress) {
    return classifyEach((s, o) => this.classify(s, o), sources, options, onProgress);
  }

  /** Per-operator times of one inference on the last classified image. */
  async profile() {
    return this.#enqueue((handle) => handle.call((api) => api.profile()));
  }

  /** Frees the model and the worker; later calls reject with code 'DISPOSED'. */
  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#handle?.terminate(new EffnetError(ErrorCode.DISPOSED, 'the classifier was disposed'));
    this.#handle = null;
  }

  /** @internal for tests: the worker is killed (as a browser may) once the next call is in it. */
  _killWorkerDuringNextCall() {
    this.#killDuringNextCall = true;
  }
}
