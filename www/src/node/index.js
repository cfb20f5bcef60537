// The package under Node.js 20: same API, in-process over the model session
// (shared/model-session.js), single-threaded SIMD build, no IndexedDB.
import { readFile } from 'node:fs/promises';
import * as wasm from '../../pkg/simd/effnet.js';
import { EffnetError, ErrorCode } from '../shared/errors.js';
import { classifyEach } from '../shared/batch.js';
import { classifyOptions, embedOptions } from '../shared/classify-options.js';
import { cosineSimilarity } from '../shared/cosine.js';
import { locateModel, models } from '../shared/manifest.js';
import { ModelSession } from '../shared/model-session.js';
import { LoadProgress } from '../shared/progress.js';
import { toPixels } from './decode.js';
import { readModel, toUrl } from './model-file.js';

export { EffnetError, ErrorCode, models, cosineSimilarity };

let started = null;
const start = () =>
  (started ??= readFile(new URL('../../pkg/simd/effnet_bg.wasm', import.meta.url)).then((module) => wasm.initSync({ module })));

export async function capabilities() {
  return { simd: true, relaxedSimd: false, threads: false, crossOriginIsolated: false, hardwareConcurrency: 1 };
}

/** Node has no IndexedDB: models are read from disk or downloaded each time. */
export const ModelCache = { list: async () => [], has: async () => false, delete: async () => {}, clear: async () => {} };

const HOST = { base: (where) => toUrl(String(where).replace(/\/?$/, '/')), packagedBase: new URL('../../../models/', import.meta.url) };

export class ImageClassifier {
  #session;
  #entry;
  #load;
  backend = { simd: true, relaxedSimd: false, threads: 1, build: 'simd', cores: null, threadsReason: 'Node runs the single-threaded build' };

  /** The manifest entry of the loaded model. */
  get model() {
    return this.#entry;
  }

  /** How the model was obtained: `{ cached, stored, bytes }`; Node has no cache, so never cached nor stored. */
  get load() {
    return { ...this.#load };
  }

  /** Workers replaced after a crash: Node runs in the process, with no worker to replace, so none. */
  get restarts() {
    return [];
  }

  /** @param {{model?: string|object, modelBaseUrl?: string|URL, modelPath?: string|URL, onProgress?: Function}} options */
  static async create(options = {}) {
    const located = locateModel(options, HOST);
    const url = options.modelPath ? toUrl(options.modelPath) : located.url;
    await start();
    // the wasm is read from the package, not downloaded: the model is the one resource
    const onProgress = new LoadProgress(options.onProgress, ['model']).for('model');
    const data = await readModel(url, located.entry, onProgress);
    const clf = new ImageClassifier();
    clf.#entry = located.entry;
    clf.#session = await ModelSession.open(wasm, located.entry, data, { source: url.href, onProgress });
    clf.#load = { cached: false, stored: false, bytes: data.byteLength };
    return clf;
  }

  /**
   * @param {{data: Uint8ClampedArray|Uint8Array, width: number, height: number} | Uint8Array | Blob} source
   *   RGBA pixels, or the bytes of a JPEG/PNG/WebP/GIF file, or a Blob or File of them (a
   *   File's errors name it: `new File([await readFile(path)], path)`)
   */
  async classify(source, options = {}) {
    const opts = classifyOptions(options);
    this.#session.checkFilter(opts.filter); // before the image is decoded; DISPOSED once disposed
    if (opts.withEmbedding) this.#session.checkEmbedding();
    const t0 = performance.now();
    const px = await toPixels(wasm, source, { decode: opts.decode, preprocess: this.model.preprocess });
    const r = this.#session.classify(px, opts, performance.now() - t0);
    // Node has no OffscreenCanvas to make a thumbnail with
    return { ...r, ...(opts.thumbnailWidth ? { thumbnail: null } : {}), backend: this.backend };
  }

  /**
   * The image's embedding (the pooled features before the classifier head), one inference.
   * @param {Parameters<ImageClassifier['classify']>[0]} source as for classify
   * @param {{l2Normalize?: boolean, quantize?: boolean, decode?: 'fast'|'exact'}} [options]
   */
  async embed(source, options = {}) {
    const opts = embedOptions(options);
    this.#session.checkEmbedding(); // before the image is decoded; DISPOSED once disposed
    const t0 = performance.now();
    const px = await toPixels(wasm, source, { decode: opts.decode, preprocess: this.model.preprocess });
    return this.#session.embed(px, opts, performance.now() - t0);
  }

  /** Classifies every source; a failed one gives `{ error }` in its place and the rest go on. */
  async classifyBatch(sources, options = {}, onProgress) {
    return classifyEach((s, o) => this.classify(s, o), sources, options, onProgress);
  }

  async profile() {
    return this.#session.profile();
  }

  /** Frees the model; later calls reject with code 'DISPOSED' (from the session). */
  dispose() {
    this.#session.free();
  }
}
