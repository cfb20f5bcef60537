// The package under Node.js 20: same API, in-process, single-threaded SIMD build, no IndexedDB.
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import * as wasm from '../../pkg/simd/effnet.js';
import { EffnetError, ErrorCode } from '../shared/errors.js';
import { classifyEach } from '../shared/batch.js';
import { models, resolveModel } from '../shared/manifest.js';
import { download } from '../shared/model-cache.js';
import { sha256Hex } from '../shared/digest.js';
import { Engine, checkFilter } from '../worker/engine.js';
import { decodeImage } from './decode.js';

export { EffnetError, ErrorCode, models };

let started = false;
async function start() {
  if (!started) {
    const bytes = await readFile(new URL('../../pkg/simd/effnet_bg.wasm', import.meta.url));
    wasm.initSync({ module: bytes });
    started = true;
  }
}

export async function capabilities() {
  return { simd: true, relaxedSimd: false, threads: false, crossOriginIsolated: false, hardwareConcurrency: 1 };
}

/** Node has no IndexedDB: models are read from disk or downloaded each time. */
export const ModelCache = {
  async list() {
    return [];
  },
  async delete() {},
  async clear() {},
};

function toUrl(where) {
  if (where instanceof URL) return where;
  if (/^[a-z][a-z0-9+.-]*:/i.test(where) && !/^[a-z]:[\\/]/i.test(where)) return new URL(where);
  return pathToFileURL(isAbsolute(where) ? where : resolvePath(where));
}

async function fetchBytes(url, entry, onProgress) {
  if (url.protocol === 'file:') {
    try {
      const buf = await readFile(fileURLToPath(url));
      onProgress?.({ phase: 'download', loadedBytes: buf.byteLength, totalBytes: buf.byteLength });
      return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    } catch (e) {
      throw new EffnetError(ErrorCode.MODEL_FETCH, `cannot read ${fileURLToPath(url)}: ${e.code ?? e.message}`, { cause: e });
    }
  }
  return download(url.href, entry.bytes, onProgress);
}

export class ImageClassifier {
  #engine;
  #disposed = false;
  backend = { simd: true, relaxedSimd: false, threads: 1, build: 'simd' };

  /** @param {{model?: string|object, modelBaseUrl?: string|URL, modelPath?: string, onProgress?: Function}} options */
  static async create(options = {}) {
    const { model = 'efficientnet-lite0', modelBaseUrl, modelPath, onProgress } = options;
    const entry = resolveModel(model);
    await start();
    const base = modelBaseUrl ? toUrl(String(modelBaseUrl).replace(/\/?$/, '/')) : new URL('../../../models/', import.meta.url);
    const url = modelPath ? toUrl(modelPath) : entry.url ? new URL(entry.url, base) : new URL(entry.file, base);
    const data = await fetchBytes(url, entry, onProgress);
    if (entry.bytes && data.byteLength !== entry.bytes) {
      throw new EffnetError(ErrorCode.MODEL_INTEGRITY, `${url.href}: ${data.byteLength} bytes, the manifest says ${entry.bytes}`);
    }
    if (entry.sha256) {
      const got = await sha256Hex(data);
      if (got !== entry.sha256) {
        throw new EffnetError(ErrorCode.MODEL_INTEGRITY, `${url.href}: sha256 ${got} does not match the manifest's ${entry.sha256}`);
      }
    }
    onProgress?.({ phase: 'compile', loadedBytes: data.byteLength, totalBytes: data.byteLength });
    const clf = new ImageClassifier();
    clf.model = entry;
    clf.#engine = new Engine(wasm, entry, data);
    onProgress?.({ phase: 'ready', loadedBytes: data.byteLength, totalBytes: data.byteLength });
    return clf;
  }

  /**
   * @param {{data: Uint8ClampedArray|Uint8Array, width: number, height: number} | Uint8Array} source
   *   RGBA pixels, or the bytes of a JPEG/PNG/WebP/GIF file
   */
  async classify(source, options = {}) {
    if (this.#disposed) throw new EffnetError(ErrorCode.DISPOSED, 'the classifier was disposed');
    const filter = checkFilter(options);
    const t0 = performance.now();
    const px = source instanceof Uint8Array && !('width' in source) ? await decodeImage(wasm, source) : source;
    if (!px || !px.data || !Number.isInteger(px.width) || !Number.isInteger(px.height)) {
      throw new EffnetError(ErrorCode.BAD_IMAGE, 'source must be {data, width, height} RGBA or encoded image bytes (Uint8Array)');
    }
    const decodeMs = performance.now() - t0;
    const r = this.#engine.classify(px, filter);
    return { ...r, timing: { decodeMs, ...r.timing, totalMs: r.timing.totalMs + decodeMs }, backend: this.backend };
  }

  /** Classifies every source; a failed one gives `{ error }` in its place and the rest go on. */
  async classifyBatch(sources, options = {}, onProgress) {
    return classifyEach((s, o) => this.classify(s, o), sources, options, onProgress);
  }

  async profile() {
    return this.#engine.profile();
  }

  dispose() {
    this.#disposed = true;
    this.#engine?.free();
    this.#engine = null;
  }
}
