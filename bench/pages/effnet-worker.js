// One effnet-wasm build (www/pkg/<variant>) driven directly, as ort-worker.js drives
// onnxruntime-web: same model bytes, same input tensor, timed around the inference call only.
import { wasmMemoryBytes } from './wasm-memory.js';

let clf;
let pixels;
let wasm;
onmessage = async ({ data }) => {
  try {
    if (data.init) {
      wasm = await import(`/pkg/${data.variant}/effnet.js`);
      await wasm.default();
      if (data.threads > 1) {
        await wasm.initThreadPool(data.threads);
        wasm.useThreadPool();
        // for the A/B figure: tract driven from this thread, the pool left to sleep between ops
        if (data.warmPool === false) wasm.setWarmPool(false);
      }
      // for the A/B figures: tract-linalg's own GEMM kernel, tract's depthwise and 1x1
      // convolutions, instead of ours
      const kernels = { gemm: data.ownGemm !== false, dwconv: data.ownDwconv !== false, pointwise: data.ownPointwise !== false };
      const t0 = performance.now();
      clf = new wasm.WasmClassifier(JSON.stringify(data.entry), new Uint8Array(data.model), JSON.stringify(kernels));
      const createMs = performance.now() - t0;
      pixels = data.pixels;
      clf.preprocess(pixels.data, pixels.width, pixels.height);
      clf.infer();
      postMessage({ createMs, input: clf.input(), logits: Array.from(clf.output()) });
    } else if (data.run) {
      const t0 = performance.now();
      clf.infer();
      postMessage({ ms: performance.now() - t0 });
    } else if (data.poolStats) {
      // the helpers' counters since the last call (crate/src/wasm/warm_pool.rs), null without threads
      postMessage({ pool: JSON.parse(wasm.poolStats?.() ?? 'null') });
    } else if (data.profile) {
      postMessage({ profile: JSON.parse(clf.profile()) });
    } else if (data.classify) {
      // whole classifications (preprocess + inference), for the memory figure
      for (let i = 0; i < data.classify; i++) {
        clf.preprocess(pixels.data, pixels.width, pixels.height);
        clf.infer();
      }
      postMessage({ wasmMemoryBytes: wasmMemoryBytes() });
    }
  } catch (e) {
    postMessage({ error: String(e?.message ?? e) });
  }
};
