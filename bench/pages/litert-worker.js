// LiteRT.js (@litertjs/core, its XNNPACK CPU path: accelerator 'wasm') in a worker, driven as
// ort-worker.js drives onnxruntime-web: the same model weights (as .tflite), the same input
// tensor (effnet-wasm's preprocessing, transposed from NCHW to NHWC), timed around one
// model.run() with a JS array in and a JS array out.
// A classic worker, not a module one: LiteRT.js's loader runs its emscripten script with
// importScripts. Its ES module comes in by import(); the bench server serves it with the bare
// specifier @litertjs/wasm-utils rewritten to /litert/utils/index.js (bench/browser.mjs).
// 1 thread: LiteRT.js's single-threaded relaxed-SIMD build (what loadLiteRt gives without
// `threads`); 2 threads: its pthreads build (relaxed SIMD too) with cpuOptions.numThreads 2.
let wasmMemoryBytes;
let litert;
let model;
let input;
let shape;

const run = async () => {
  const t = new litert.Tensor(input, shape);
  try {
    const outs = await model.run(t);
    const logits = outs[0].toTypedArray();
    for (const o of outs) o.delete();
    return logits;
  } finally {
    t.delete();
  }
};

/** NCHW (1, C, H, W) -> NHWC (1, H, W, C) */
const toNhwc = (x, [, c, h, w]) => {
  const out = new Float32Array(x.length);
  const plane = h * w;
  for (let i = 0; i < plane; i++) for (let k = 0; k < c; k++) out[i * c + k] = x[k * plane + i];
  return out;
};

onmessage = async ({ data }) => {
  try {
    if (data.init) {
      ({ wasmMemoryBytes } = await import('/bench/wasm-memory.js'));
      litert = await import('/litert/core/index.js');
      const threads = data.threads > 1;
      const file = threads ? 'litert_wasm_threaded_internal' : 'litert_wasm_internal';
      // the emscripten script, run by importScripts here, takes this worker's URL for its own:
      // point it (and its pthread workers) at the package's wasm/ folder
      self.Module = { locateFile: (p) => `/litert/wasm/${p}`, mainScriptUrlOrBlob: `/litert/wasm/${file}.js` };
      await litert.loadLiteRt('/litert/wasm/', { threads });
      const t0 = performance.now();
      model = await litert.loadAndCompile(new Uint8Array(data.model), {
        accelerator: 'wasm',
        cpuOptions: { numThreads: data.threads },
      });
      const createMs = performance.now() - t0;
      const [n, c, h, w] = data.shape;
      shape = [n, h, w, c];
      const want = Array.from(model.getInputDetails()[0].shape);
      if (want.join() !== shape.join()) throw new Error(`the .tflite's input is [${want}], expected NHWC [${shape}]`);
      input = toNhwc(data.input, data.shape);
      const logits = await run();
      postMessage({ createMs, build: file, logits: Array.from(logits) });
    } else if (data.run) {
      const t0 = performance.now();
      await run();
      postMessage({ ms: performance.now() - t0 });
    } else if (data.classify) {
      for (let i = 0; i < data.classify; i++) await run();
      postMessage({ wasmMemoryBytes: wasmMemoryBytes() });
    }
  } catch (e) {
    postMessage({ error: String(e?.message ?? e) });
  }
};
