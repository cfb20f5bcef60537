// effnet-wasm (the library, in its worker) against onnxruntime-web (in a worker too), same
// model, same input tensor, runs interleaved A B C D A B C D ... Results land in window.result.
const params = new URLSearchParams(location.search);
const RUNS = Number(params.get('runs') || 50);
const WARMUP = 5;
const modelId = params.get('model') || 'efficientnet-lite0';

while (!window.effnet) await new Promise((r) => setTimeout(r, 10));
const entry = effnet.models.find((m) => m.id === modelId);
const modelBytes = await (await fetch(`/models/${entry.file}`)).arrayBuffer();

const bitmap = await createImageBitmap(await (await fetch('/fixtures/coffee.png')).blob());
const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
ctx.drawImage(bitmap, 0, 0);
const pixels = ctx.getImageData(0, 0, bitmap.width, bitmap.height);

// the exact tensor our preprocessing gives, for onnxruntime-web to consume as well
const simd = await import('/pkg/simd/effnet.js');
await simd.default();
const ref = new simd.WasmClassifier(JSON.stringify(entry), new Uint8Array(modelBytes), false);
ref.preprocess(pixels.data, pixels.width, pixels.height);
ref.infer();
const input = new Float32Array(ref.input());
const ourLogits = ref.output();
ref.free();

function ortWorker(threads) {
  const w = new Worker('/bench/ort-worker.js', { type: 'module' });
  const call = (msg) =>
    new Promise((ok, fail) => {
      w.onmessage = ({ data }) => (data.error ? fail(new Error(data.error)) : ok(data));
      w.postMessage(msg);
    });
  return { call, terminate: () => w.terminate() };
}

const configs = [];
for (const threads of [1, 2]) {
  const t0 = performance.now();
  const clf = await effnet.ImageClassifier.create({ model: modelId, threads });
  const createMs = performance.now() - t0;
  configs.push({ name: `effnet-wasm ${clf.backend.threads > 1 ? 'simd-threads' : 'simd'}`, threads: clf.backend.threads, createMs,
    run: async () => (await clf.classify(pixels)).timing.inferenceMs, dispose: () => clf.dispose() });
}
const diffs = {};
for (const threads of [1, 2]) {
  const w = ortWorker(threads);
  const init = await w.call({ init: true, threads, model: modelBytes.slice(0), input, shape: entry.input.shape });
  let maxDiff = 0;
  init.logits.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - ourLogits[i]))));
  const argmax = (xs) => xs.reduce((b, v, i) => (v > xs[b] ? i : b), 0);
  diffs[threads] = { maxLogitDiff: maxDiff, sameTop1: argmax(init.logits) === argmax(ourLogits), top1: argmax(ourLogits) };
  configs.push({ name: 'onnxruntime-web wasm', threads, createMs: init.createMs, run: async () => (await w.call({ run: true })).ms, dispose: w.terminate });
}

for (const c of configs) {
  c.ms = [];
  for (let i = 0; i < WARMUP; i++) await c.run();
}
for (let i = 0; i < RUNS; i++) for (const c of configs) c.ms.push(await c.run());
for (const c of configs) c.dispose();
window.result = { model: modelId, runs: RUNS, diffs, configs: configs.map(({ name, threads, createMs, ms }) => ({ name, threads, createMs, ms })) };
