// In one page: every effnet-wasm build given in ?variants= and onnxruntime-web with 1 and 2
// threads, each in its own worker, on the same model and the same input tensor. Runs are
// interleaved (A B C ... A B C ...) so machine drift hits all. Results land in window.result.
import { rpc, fixturePixels } from './worker-rpc.js';

const params = new URLSearchParams(location.search);
const RUNS = Number(params.get('runs') || 50);
const E2E_RUNS = Number(params.get('e2eRuns') || 10);
const WARMUP = 5;
const MEMORY_AFTER = 100;
const modelId = params.get('model') || 'efficientnet-lite0';
const variants = (params.get('variants') || 'simd,simd-threads').split(',');
// a pause between runs lets the previous engine's spinning pool threads go idle
const settle = () => new Promise((r) => setTimeout(r, 20));
const status = (s) => (document.title = s);

while (!window.effnet) await new Promise((r) => setTimeout(r, 10));
const entry = effnet.models.find((m) => m.id === modelId);
const model = await (await fetch(`/models/${entry.file}`)).arrayBuffer();
const pixels = await fixturePixels('coffee.png');

const configs = [];
for (const variant of variants) {
  const threads = variant.includes('threads') ? 2 : 1;
  const w = rpc('/bench/effnet-worker.js');
  const init = await w.call({ init: true, variant, threads, entry, model: model.slice(0), pixels });
  configs.push({ engine: 'effnet-wasm', name: `effnet-wasm ${variant}`, variant, threads, w, ...init });
}
// effnet-wasm's own preprocessing gives the tensor both engines consume
const input = configs[0].input;
const reference = configs[0].logits;
for (const threads of [1, 2]) {
  const w = rpc('/bench/ort-worker.js');
  const init = await w.call({ init: true, threads, model: model.slice(0), input, shape: entry.input.shape });
  configs.push({ engine: 'onnxruntime-web', name: 'onnxruntime-web wasm', variant: 'ort-wasm-simd-threaded', threads, w, ...init });
}
const argmax = (xs) => xs.reduce((b, v, i) => (v > xs[b] ? i : b), 0);
for (const c of configs) {
  c.maxLogitDiff = c.logits.reduce((m, v, i) => Math.max(m, Math.abs(v - reference[i])), 0);
  c.top1 = argmax(c.logits);
}

status('inference');
for (const c of configs) {
  c.ms = [];
  for (let i = 0; i < WARMUP; i++) await c.w.call({ run: true });
}
for (let i = 0; i < RUNS; i++) {
  for (const c of configs) {
    await settle();
    c.ms.push((await c.w.call({ run: true })).ms);
  }
}

// where the time goes: tract's per-op-type profile of the first build
const { profile } = await configs[0].w.call({ profile: true });

status('memory');
for (const c of configs) {
  c.wasmMemoryBytes = (await c.w.call({ classify: Math.max(0, MEMORY_AFTER - WARMUP - RUNS - 1) })).wasmMemoryBytes;
}

// end to end: an encoded 4000x3000 JPEG through each engine's whole path. effnet-wasm through
// its public API (decode, PIL-exact preprocessing and inference in its worker); onnxruntime-web
// with the browser's own decode and resize, as its users write it.
status('end to end');
const photo = await createImageBitmap(await (await fetch('/fixtures/coffee.png')).blob());
const big = new OffscreenCanvas(4000, 3000);
big.getContext('2d').drawImage(photo, 0, 0, 4000, 3000);
const jpeg = await big.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
const e2e = [];
for (const threads of [1, 2]) {
  const clf = await effnet.ImageClassifier.create({ model: modelId, threads });
  e2e.push({ name: `effnet-wasm classify (${clf.backend.threads > 1 ? 'simd-threads' : 'simd'})`, threads, dispose: () => clf.dispose(),
    run: async () => { const t0 = performance.now(); const r = await clf.classify(jpeg); return { ms: performance.now() - t0, top1: r.categories[0].index }; } });
}
for (const c of configs.filter((c) => c.engine === 'onnxruntime-web')) {
  e2e.push({ name: 'onnxruntime-web + browser decode/resize', threads: c.threads, dispose: () => {}, run: () => c.w.call({ e2e: jpeg, entry }) });
}
for (const c of e2e) {
  c.ms = [];
  c.top1 = (await c.run()).top1;
}
for (let i = 0; i < E2E_RUNS; i++) {
  for (const c of e2e) {
    await settle();
    c.ms.push((await c.run()).ms);
  }
}
for (const c of [...configs, ...e2e]) c.w ? c.w.terminate() : c.dispose();

window.result = {
  model: modelId, runs: RUNS, profile, warmup: WARMUP, memoryAfter: MEMORY_AFTER, e2eRuns: E2E_RUNS, jpegBytes: jpeg.size,
  configs: configs.map(({ engine, name, variant, threads, createMs, ms, maxLogitDiff, top1, wasmMemoryBytes }) =>
    ({ engine, name, variant, threads, createMs, ms, maxLogitDiff, top1, wasmMemoryBytes })),
  e2e: e2e.map(({ name, threads, ms, top1 }) => ({ name, threads, ms, top1 })),
};
status('done');
