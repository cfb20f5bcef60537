// One model in one wasm instance, for both hosts (the browser's worker and Node): the bytes
// checked against the entry (size, then sha256), compiled, then pixels -> categories and/or
// the embedding (one inference gives both), timed.
// The wasm module is a parameter, so tests/js/model-session.test.mjs can drive it with a fake.
import { EffnetError, ErrorCode, toEffnetError } from './errors.js';
import { sha256Hex } from './digest.js';

/** `fn()`, its errors as EffnetErrors (wasm's carry their code in their name; a trap's reason is read from `wasm`). */
function typed(fn, wasm) {
  try {
    return fn();
  } catch (e) {
    throw toEffnetError(e, () => wasm?.lastTrap?.());
  }
}

/** The one integrity check of model bytes: every download and every cached copy passes here. */
async function verify(entry, data, source) {
  if (entry.bytes && data.byteLength !== entry.bytes) {
    throw new EffnetError(ErrorCode.MODEL_INTEGRITY, `${source}: ${data.byteLength} bytes, the manifest says ${entry.bytes}`);
  }
  if (entry.sha256) {
    const got = await sha256Hex(data);
    if (got !== entry.sha256) {
      throw new EffnetError(ErrorCode.MODEL_INTEGRITY, `${source}: sha256 ${got} does not match the manifest's ${entry.sha256}`);
    }
  }
}

/** MediaPipe ImageEmbedder's `Embedding`, one head: exactly one of the two arrays. */
const embeddingObject = (values, headName) => ({
  ...(values instanceof Int8Array ? { quantizedEmbedding: values } : { floatEmbedding: values }),
  headIndex: 0,
  headName,
});

export class ModelSession {
  #clf;
  #wasm;
  #headName;

  constructor(clf, wasm, headName) {
    this.#clf = clf;
    this.#wasm = wasm;
    this.#headName = headName;
  }

  /**
   * @param {object} wasm the crate's wasm module, started (its WasmClassifier is used)
   * @param {object} entry the resolved model entry (shared/manifest.js)
   * @param {ArrayBuffer|Uint8Array} bytes the .onnx file
   * @param {{source?: string, onProgress?: (e: object) => unknown}} [o] source names the bytes'
   *   origin in errors; onProgress gets `compile` then `ready` (awaited: across comlink it is a promise)
   */
  static async open(wasm, entry, bytes, { source = entry.id, onProgress } = {}) {
    const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    await verify(entry, data, source);
    const sizes = { loadedBytes: data.byteLength, totalBytes: data.byteLength };
    await onProgress?.({ phase: 'compile', ...sizes });
    // Rust reads only these fields of an entry (crate/src/manifest/)
    const { id, file, sha256, bytes: size, input, preprocess, output } = entry;
    const json = JSON.stringify({ id, file, sha256, bytes: size, input, preprocess, output });
    const session = new ModelSession(typed(() => new wasm.WasmClassifier(json, data), wasm), wasm, output.embedding?.name);
    try {
      await onProgress?.({ phase: 'ready', ...sizes });
    } catch (e) {
      session.free();
      throw e;
    }
    return session;
  }

  /** BAD_OPTIONS if the filter names a category the labels lack: checked before any pixel is converted. */
  checkFilter(filter) {
    typed(() => this.#live().checkFilter(JSON.stringify(filter)), this.#wasm);
  }

  /** BAD_OPTIONS if the model has no embedding output: checked before any pixel is converted. */
  checkEmbedding() {
    typed(() => this.#live().checkEmbedding(), this.#wasm);
  }

  /**
   * @param {{data: Uint8ClampedArray|Uint8Array, width: number, height: number}} px RGBA
   * @param {{filter: object, withProbabilities: boolean, withEmbedding?: boolean}} options from shared/classify-options.js
   * @param {number} [decodeMs] the host's time to turn the caller's source into `px`
   */
  classify(px, { filter, withProbabilities, withEmbedding = false }, decodeMs = 0) {
    return this.#run(px, decodeMs, (clf) => ({
      categories: JSON.parse(clf.categories(JSON.stringify(filter))),
      ...(withProbabilities ? { probabilities: clf.probabilities() } : {}),
      // the same inference's features, L2-normalised as embed()'s default gives them
      ...(withEmbedding ? { embedding: embeddingObject(clf.embedding(true, false), this.#headName) } : {}),
    }));
  }

  /**
   * @param {object} px RGBA, as for classify
   * @param {{l2Normalize: boolean, quantize: boolean}} options from shared/classify-options.js embedOptions
   */
  embed(px, { l2Normalize, quantize }, decodeMs = 0) {
    return this.#run(px, decodeMs, (clf) => ({ embedding: embeddingObject(clf.embedding(l2Normalize, quantize), this.#headName) }));
  }

  /** preprocess, infer, then `results(clf)`, timed; `timing` comes last in the result. */
  #run(px, decodeMs, results) {
    const clf = this.#live();
    return typed(() => {
      const t0 = performance.now();
      clf.preprocess(px.data, px.width, px.height);
      const t1 = performance.now();
      clf.infer();
      const t2 = performance.now();
      const r = results(clf);
      r.timing = { decodeMs, preprocessMs: t1 - t0, inferenceMs: t2 - t1, totalMs: decodeMs + (performance.now() - t0) };
      return r;
    }, this.#wasm);
  }

  /** Per-operator times of one more inference on the last preprocessed image. */
  profile() {
    return JSON.parse(typed(() => this.#live().profile(), this.#wasm));
  }

  free() {
    this.#clf?.free();
    this.#clf = null;
  }

  #live() {
    // a session is freed when its classifier is disposed (or, in a worker, replaced)
    if (!this.#clf) throw new EffnetError(ErrorCode.DISPOSED, 'the classifier was disposed');
    return this.#clf;
  }
}
