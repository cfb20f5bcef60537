// The dedicated worker: all wasm work happens here, behind comlink.
import * as Comlink from 'comlink';
import { EffnetError, ErrorCode, forTransfer } from '../shared/errors.js';
import { loadModelBytes } from '../shared/model-cache.js';
import { startRuntime } from './runtime.js';
import { Engine, checkFilter } from './engine.js';
import { toPixels } from './pixels.js';

let runtime = null; // a promise: load() awaits it while the model bytes arrive in parallel
let engine = null;

// comlink clones errors by name and message: the name carries our code
const guarded = (fn) => async (...args) => {
  try {
    return await fn(...args);
  } catch (e) {
    throw forTransfer(e);
  }
};

const api = {
  init: guarded(async (threads, options) => {
    runtime ??= startRuntime(threads, options);
    runtime.catch(() => {});
    return (await runtime).backend;
  }),

  // the model is read (IndexedDB or network, then its digest) while the wasm compiles
  load: guarded(async (entry, url, cache, onProgress) => {
    // init() starts the runtime; the client sends it first, comlink delivers in order
    if (!runtime) throw new EffnetError(ErrorCode.INFERENCE, 'load() before init(): the wasm runtime was not started');
    const { data, cached, stored } = await loadModelBytes(entry, url, { cache, onProgress });
    const { wasm } = await runtime;
    await onProgress?.({ phase: 'compile', loadedBytes: data.byteLength, totalBytes: data.byteLength });
    engine?.free();
    engine = new Engine(wasm, entry, data);
    await onProgress?.({ phase: 'ready', loadedBytes: data.byteLength, totalBytes: data.byteLength });
    return { cached, stored, bytes: data.byteLength };
  }),

  classify: guarded(async (payload, options) => {
    const filter = checkFilter(options);
    const t0 = performance.now();
    const { wasm } = await runtime;
    const px = await toPixels(payload, (name, bytes) => wasm.checkImage(name, bytes));
    const decodeMs = performance.now() - t0;
    const r = engine.classify(px, filter);
    return { ...r, timing: { decodeMs, ...r.timing, totalMs: r.timing.totalMs + decodeMs } };
  }),

  profile: guarded(async () => engine.profile()),

  dispose() {
    engine?.free();
    engine = null;
  },
};

Comlink.expose(api);
