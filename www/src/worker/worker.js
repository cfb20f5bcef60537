// The dedicated worker: the wasm and the model session (shared/model-session.js) live here,
// behind comlink. The client has checked the classify options already.
import * as Comlink from 'comlink';
import { EffnetError, ErrorCode, forTransfer } from '../shared/errors.js';
import { fetchModel } from '../shared/model-fetch.js';
import { ModelSession } from '../shared/model-session.js';
import { LoadProgress } from '../shared/progress.js';
import { startRuntime } from './runtime.js';
import { toPixels } from './pixels.js';
import { workersFromPage } from './page-workers.js';
import { thumbnail } from './thumbnail.js';

// the thread pool's workers and the core probe's are started by the page (shared/page-spawn.js)
workersFromPage();

let runtime = null; // a promise: load() awaits it while the model bytes arrive in parallel
let started = null; // the wasm module, once started: a trap's reason is read from it
let session = null;
let preprocess = null; // the loaded model's, for decode: 'fast'
// one bar for the wasm and the model: init() makes it, load() reports into it (comlink
// delivers init first, and its handler sets this before its first await)
let progress = new LoadProgress(undefined, ['wasm', 'model']);

// comlink clones errors by name and message: the name carries our code
const guarded = (fn) => async (...args) => {
  try {
    return await fn(...args);
  } catch (e) {
    throw forTransfer(e, () => started?.lastTrap?.());
  }
};

const loaded = () => {
  if (!session) throw new EffnetError(ErrorCode.INFERENCE, 'no model is loaded in this worker');
  return session;
};

/** The payload's pixels as `decode` asks, then `run(px, decodeMs)`; a fast decode's read time is added. */
async function withPixels(payload, decode, run) {
  const { wasm } = await runtime;
  const t0 = performance.now();
  const read = {};
  const px = await toPixels(payload, wasm, { preprocess: decode === 'fast' ? preprocess : null, timing: read });
  const r = run(px, performance.now() - t0 - (read.readMs ?? 0));
  if (read.readMs !== undefined) {
    r.timing.readMs = read.readMs;
    r.timing.totalMs += read.readMs;
  }
  return { r, px };
}

// the result's typed arrays move to the main thread instead of being copied
const transferred = (r) => {
  const buffers = [r.probabilities, r.embedding?.floatEmbedding, r.embedding?.quantizedEmbedding].filter(Boolean).map((a) => a.buffer);
  return buffers.length ? Comlink.transfer(r, buffers) : r;
};

Comlink.expose({
  // onStage: the client's watchdog (client/classifier.js), told when the thread pool's start begins
  init: guarded(async (threads, options, onProgress, onStage) => {
    progress = new LoadProgress(onProgress, ['wasm', 'model']);
    runtime ??= startRuntime(threads, options, progress.for('wasm'), onStage);
    runtime.then((r) => (started = r.wasm), () => {});
    return (await runtime).backend;
  }),

  load: guarded(async (entry, url, cache) => {
    // init() starts the runtime; the client sends it first, comlink delivers in order
    if (!runtime) throw new EffnetError(ErrorCode.INFERENCE, 'load() before init(): the wasm runtime was not started');
    session?.free();
    session = null;
    // a manifest model's size is known now: the wasm's progress need not wait for its first event
    if (entry.bytes) progress.expect('model', entry.bytes);
    const onProgress = progress.for('model');
    const open = async (bytes) => ModelSession.open((await runtime).wasm, entry, bytes, { source: url, onProgress });
    const { value, ...load } = await fetchModel(entry, url, { cache, onProgress }, open);
    session = value;
    preprocess = entry.preprocess;
    return load; // { cached, stored, bytes }
  }),

  // options: from shared/classify-options.js, on the main thread
  classify: guarded(async (payload, options) => {
    loaded().checkFilter(options.filter); // before any pixel is converted
    if (options.withEmbedding) session.checkEmbedding();
    const { r, px } = await withPixels(payload, options.decode, (p, decodeMs) => session.classify(p, options, decodeMs));
    if (options.thumbnailWidth) {
      const t1 = performance.now();
      r.thumbnail = await thumbnail(px, options.thumbnailWidth);
      r.timing.thumbnailMs = performance.now() - t1;
    }
    return transferred(r);
  }),

  // options: from shared/classify-options.js embedOptions, on the main thread
  embed: guarded(async (payload, options) => {
    loaded().checkEmbedding(); // before any pixel is converted
    const { r } = await withPixels(payload, options.decode, (p, decodeMs) => session.embed(p, options, decodeMs));
    return transferred(r);
  }),

  profile: guarded(async () => loaded().profile()),

  // for the tests (tests/engines/): the next inference panics ('panic') or runs out of memory
  // ('oom') in Rust, so that a real trap's path to a replaced worker is tested
  armTrapForTests: guarded(async (kind) => (await runtime).wasm.armTrapForTests(kind)),
  // for the tests: the RGBA pixels a payload becomes, to compare with PIL's in each engine
  pixelsForTests: guarded(async (payload) => {
    const px = await toPixels(payload, (await runtime).wasm);
    return { width: px.width, height: px.height, data: Array.from(px.data) };
  }),
});
