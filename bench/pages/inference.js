// In one page: every effnet-wasm build given in ?variants= paired with onnxruntime-web (and,
// given ?litert=URL of a .tflite, with LiteRT.js) at its thread count, each engine in its own
// worker, on the same model and the same input tensor. Runs are interleaved (A B A B ...) so
// machine drift hits both. ?e2eRuns=0 skips the end-to-end figure. Results land in window.result.
import { rpc, fixturePixels } from './worker-rpc.js';

const params = new URLSearchParams(location.search);
const RUNS = Number(params.get('runs') || 50);
const E2E_RUNS = Number(params.get('e2eRuns') || 10);
const WARMUP = 5;
const PROFILE_RUNS = Number(params.get('profileRuns') || 9);
const MEMORY_AFTER = 100;
const modelId = params.get('model') || 'efficientnet-lite0';
const variants = (params.get('variants') || 'simd,simd-threads').split(',');
// a pause between runs lets the previous engine's spinning pool threads go idle
const settle = () => new Promise((r) => setTimeout(r, Number(params.get("settle") || 20)));
const status = (s) => (document.title = s);

while (!window.effnet) await new Promise((r) => setTimeout(r, 10));
const entry = effnet.models.find((m) => m.id === modelId);
const model = await (await fetch(`/models/${entry.file}`)).arrayBuffer();
const pixels = await fixturePixels('coffee.png');

// Each effnet-wasm build is measured against onnxruntime-web at the same thread count, the
// two alone in the page and their runs interleaved (A B A B ...): a third engine's idle pool
// threads, spinning or being woken, would tax whichever engine runs next on a 2-core machine.
// With ?litert=URL (a .tflite of the same weights) each plain build (no '/flag') is measured a
// second time the same way against LiteRT.js at its thread count, in a pair of its own.
const argmax = (xs) => xs.reduce((b, v, i) => (v > xs[b] ? i : b), 0);
const tflite = params.get('litert') ? await (await fetch(params.get('litert'))).arrayBuffer() : null;
const configs = [];
let input; // effnet-wasm's own preprocessing gives the tensor every engine consumes
let reference;
let profile;
/** A peer's worker at `threads`, initialised on the shared input tensor; `init.build` names it. */
async function startPeer(peer, threads) {
  if (peer === 'LiteRT.js') {
    const w = rpc('/bench/litert-worker.js', { type: 'classic' });
    return { w, init: await w.call({ init: true, threads, model: tflite.slice(0), input, shape: entry.input.shape }) };
  }
  const w = rpc('/bench/ort-worker.js');
  const init = await w.call({ init: true, threads, model: model.slice(0), input, shape: entry.input.shape });
  return { w, init: { ...init, build: 'ort-wasm-simd-threaded' } };
}

/**
 * WARMUP runs of each, then `runs` rounds interleaved (A B A B ...); each c.ms gets the times,
 * and each threaded effnet-wasm c.pool what its pool's helpers did in the timed runs.
 */
async function interleaved(cs, runs) {
  const pooled = cs.filter((c) => c.engine === 'effnet-wasm' && c.threads > 1);
  for (const c of cs) {
    c.ms = [];
    for (let i = 0; i < WARMUP; i++) await c.w.call({ run: true });
  }
  for (const c of pooled) await c.w.call({ poolStats: true }); // resets the counters
  for (let i = 0; i < runs; i++) {
    for (const c of cs) {
      await settle();
      c.ms.push((await c.w.call({ run: true })).ms);
    }
  }
  for (const c of pooled) c.pool = (await c.w.call({ poolStats: true })).pool;
}

const pairs = variants.flatMap((label) => [
  [label, 'onnxruntime-web'],
  ...(tflite && !label.includes('/') ? [[label, 'LiteRT.js']] : []),
]);
for (const [label, peer] of pairs) {
  // 'simd-threads-relaxed/sleepy': that build with its pool left asleep between operators;
  // '<build>/tract-gemm': with tract-linalg's GEMM kernel instead of ours;
  // '<build>/tract-dw': with tract's depthwise convolution (and its separate clamp) instead of ours;
  // '<build>/tract-pw': with tract's matrix products for the 1x1 convolutions instead of ours
  const [variant, flag] = label.split('/');
  const threads = variant.includes('threads') ? 2 : 1;
  status(`inference: ${label} vs ${peer}`);
  const ours = rpc('/bench/effnet-worker.js');
  const init = await ours.call({ init: true, variant, threads, warmPool: flag !== 'sleepy', ownGemm: flag !== 'tract-gemm', ownDwconv: flag !== 'tract-dw', ownPointwise: flag !== 'tract-pw', entry, model: model.slice(0), pixels });
  input ??= init.input;
  reference ??= init.logits;
  const { w: theirs, init: peerInit } = await startPeer(peer, threads);
  const them = { engine: peer, name: peer === 'onnxruntime-web' ? 'onnxruntime-web wasm' : `LiteRT.js ${peerInit.build}`, label: peerInit.build, variant: peerInit.build, ...peerInit };
  const pair = [
    { engine: 'effnet-wasm', name: `effnet-wasm ${label}`, label, variant, threads, peer, w: ours, ...init },
    { ...them, pairedWith: label, threads, w: theirs },
  ];
  for (const c of pair) {
    c.maxLogitDiff = c.logits.reduce((m, v, i) => Math.max(m, Math.abs(v - reference[i])), 0);
    c.top1 = argmax(c.logits);
  }
  await interleaved(pair, RUNS);
  // where the time goes: tract's per-op-type profile of the first build, each op type's median
  // over PROFILE_RUNS profiled runs (one run's figures move by 2x on a busy 2-core machine)
  if (!profile) {
    const each = [];
    for (let i = 0; i < PROFILE_RUNS; i++) each.push((await ours.call({ profile: true })).profile);
    const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    profile = each[0]
      .map((t) => ({ ...t, ms: median(each.map((p) => p.find((x) => x.op === t.op)?.ms ?? 0)) }))
      .sort((a, b) => b.ms - a.ms);
  }
  for (const c of pair) {
    c.wasmMemoryBytes = (await c.w.call({ classify: Math.max(0, MEMORY_AFTER - WARMUP - RUNS - 1) })).wasmMemoryBytes;
    c.w.terminate();
  }
  configs.push(...pair);
}

// Each engine's two-thread speed-up, paired: its 1-thread and 2-thread instances alone in the
// page, runs interleaved (1T 2T 1T 2T ...), the speed-up taken run by run. The configs above
// run one after another, so their medians (the pooled table) also carry the machine's drift
// from one config to the next, which on a shared VM moved a build's median by 20 %.
status('speed-ups');
const speedupRuns = Number(params.get('speedupRuns') || RUNS);
const speedups = [];
const engines = [
  ...(variants.includes('simd') && variants.includes('simd-threads') ? [['effnet-wasm', 'simd', 'simd-threads']] : []),
  ...(variants.includes('simd-relaxed') && variants.includes('simd-threads-relaxed') ? [['effnet-wasm', 'simd-relaxed', 'simd-threads-relaxed']] : []),
  ...(tflite ? [['LiteRT.js']] : []),
  ['onnxruntime-web'],
];
for (const [engine, one, two] of speedupRuns > 0 ? engines : []) {
  const start = async (threads) => {
    if (engine === 'effnet-wasm') {
      const w = rpc('/bench/effnet-worker.js');
      await w.call({ init: true, variant: threads === 1 ? one : two, threads, entry, model: model.slice(0), pixels });
      return { w, build: threads === 1 ? one : two, engine, threads };
    }
    const { w, init } = await startPeer(engine, threads);
    return { w, build: init.build };
  };
  const both = [await start(1), await start(2)];
  await interleaved(both, speedupRuns);
  for (const c of both) c.w.terminate();
  speedups.push({ engine, one: both[0].build, two: both[1].build, oneMs: both[0].ms, twoMs: both[1].ms, pool: both[1].pool });
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
for (const threads of E2E_RUNS > 0 ? [1, 2] : []) {
  // the same pairing: one engine of each at this thread count, nothing else alive
  const clf = await effnet.ImageClassifier.create({ model: modelId, threads });
  const w = rpc('/bench/ort-worker.js');
  await w.call({ init: true, threads, model: model.slice(0), input, shape: entry.input.shape });
  const pair = [
    { name: `effnet-wasm classify (${clf.backend.build})`, threads,
      run: async () => { const t0 = performance.now(); const r = await clf.classify(jpeg); return { ms: performance.now() - t0, top1: r.categories[0].index }; } },
    { name: 'onnxruntime-web + browser decode/resize', threads, run: () => w.call({ e2e: jpeg, entry }) },
  ];
  for (const c of pair) {
    c.ms = [];
    c.top1 = (await c.run()).top1;
  }
  for (let i = 0; i < E2E_RUNS; i++) {
    for (const c of pair) {
      await settle();
      c.ms.push((await c.run()).ms);
    }
  }
  clf.dispose();
  w.terminate();
  e2e.push(...pair);
}

window.result = {
  model: modelId, runs: RUNS, profile, warmup: WARMUP, memoryAfter: MEMORY_AFTER, e2eRuns: E2E_RUNS, jpegBytes: jpeg.size,
  configs: configs.map(({ engine, name, label, variant, pairedWith, peer, threads, createMs, ms, maxLogitDiff, top1, wasmMemoryBytes, pool }) =>
    ({ engine, name, label, variant, pairedWith, peer, threads, createMs, ms, maxLogitDiff, top1, wasmMemoryBytes, pool })),
  e2e: e2e.map(({ name, threads, ms, top1 }) => ({ name, threads, ms, top1 })),
  pairedSpeedups: speedups,
};
status('done');
