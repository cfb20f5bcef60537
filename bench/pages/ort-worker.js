// onnxruntime-web (its wasm execution provider, the wasm files it ships) in a module worker,
// as effnet-wasm's engine runs in one.
import { wasmMemoryBytes } from './wasm-memory.js';
import * as ort from '/ort/ort.wasm.min.mjs';
import { browserPreprocess } from './preprocess.js';

let session;
let input;
let shape;
const tensor = (data) => ({ [session.inputNames[0]]: new ort.Tensor('float32', data, shape) });

onmessage = async ({ data }) => {
  try {
    if (data.init) {
      ort.env.wasm.numThreads = data.threads;
      ort.env.wasm.wasmPaths = '/ort/';
      ort.env.wasm.proxy = false;
      const t0 = performance.now();
      session = await ort.InferenceSession.create(new Uint8Array(data.model), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      const createMs = performance.now() - t0;
      ({ input, shape } = data);
      const out = await session.run(tensor(input));
      postMessage({ createMs, logits: Array.from(out[session.outputNames[0]].data) });
    } else if (data.run) {
      const t0 = performance.now();
      await session.run(tensor(input));
      postMessage({ ms: performance.now() - t0 });
    } else if (data.e2e) {
      // decode + preprocess + inference of an encoded photo
      const t0 = performance.now();
      const out = await session.run(tensor(await browserPreprocess(data.e2e, data.entry)));
      const logits = out[session.outputNames[0]].data;
      const top1 = logits.reduce((b, v, i) => (v > logits[b] ? i : b), 0);
      postMessage({ ms: performance.now() - t0, top1 });
    } else if (data.cold) {
      // page load -> first result, as an onnxruntime-web app would do it: the model from
      // IndexedDB when stored there (else fetched and stored), a session, one photo classified
      ort.env.wasm.numThreads = data.threads;
      ort.env.wasm.wasmPaths = '/ort/';
      let bytes = await idbGet(data.url);
      const cached = Boolean(bytes);
      if (!bytes) {
        bytes = new Uint8Array(await (await fetch(data.url)).arrayBuffer());
        await idbPut(data.url, bytes);
      }
      const t0 = performance.now();
      session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      const createMs = performance.now() - t0;
      shape = data.entry.input.shape;
      const photo = await (await fetch(data.photo)).blob();
      const out = await session.run(tensor(await browserPreprocess(photo, data.entry)));
      const logits = out[session.outputNames[0]].data;
      postMessage({ cached, createMs, top1: logits.reduce((b, v, i) => (v > logits[b] ? i : b), 0) });
    } else if (data.classify) {
      for (let i = 0; i < data.classify; i++) await session.run(tensor(input));
      postMessage({ wasmMemoryBytes: wasmMemoryBytes() });
    }
  } catch (e) {
    postMessage({ error: String(e?.message ?? e) });
  }
};

// the model store of the cold-start figure: plain IndexedDB, one object store
const db = () =>
  new Promise((ok, fail) => {
    const r = indexedDB.open('ort-bench', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('models');
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
const tx = async (mode, f) => {
  const d = await db();
  return new Promise((ok, fail) => {
    const req = f(d.transaction('models', mode).objectStore('models'));
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  }).finally(() => d.close());
};
const idbGet = (key) => tx('readonly', (s) => s.get(key));
const idbPut = (key, value) => tx('readwrite', (s) => s.put(value, key));
