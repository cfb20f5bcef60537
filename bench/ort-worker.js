// onnxruntime-web (its wasm execution provider) in a module worker, as our engine runs in one.
import * as ort from '/ort/ort.wasm.min.mjs';

let session;
let feeds;
onmessage = async ({ data }) => {
  try {
    if (data.init) {
      ort.env.wasm.numThreads = data.threads;
      ort.env.wasm.wasmPaths = '/ort/';
      ort.env.wasm.proxy = false;
      const t0 = performance.now();
      session = await ort.InferenceSession.create(data.model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      const createMs = performance.now() - t0;
      feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data.input, data.shape) };
      const out = await session.run(feeds);
      postMessage({ createMs, logits: Array.from(out[session.outputNames[0]].data) });
    } else if (data.run) {
      const t0 = performance.now();
      await session.run(feeds);
      postMessage({ ms: performance.now() - t0 });
    }
  } catch (e) {
    postMessage({ error: String(e?.message ?? e) });
  }
};
