// `npm run bench`: effnet-wasm against onnxruntime-web and LiteRT.js in one headless-chromium
// session, on the same weights and input. Prints markdown tables and writes
// bench/results/bench-<time>.{json,md}. Speed is reported, not tested; what fails the run is
// LiteRT.js disagreeing with effnet-wasm's top-1 on the bench photo.
//   node bench/browser.mjs [model] [--models m1,m2]
// model (default efficientnet-lite0) gets the whole bench: every build against onnxruntime-web,
// the plain builds against LiteRT.js when $EFFNET_PEERS/<model>.tflite exists (default
// EFFNET_PEERS: ../shared/peers from the repo root), end to end, cold start. --models (default
// efficientnet-lite1,efficientnet-lite2; '' for none; 'lite1' stands for efficientnet-lite1):
// inference only, the four shipped builds against onnxruntime-web, EXTRA_RUNS runs each.
//   env: RUNS (default 50), EXTRA_RUNS (RUNS), E2E_RUNS (10), COLD_REPS (3), EFFNET_PEERS
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../www/serve.mjs';
import { launch, CHROMIUM } from '../tools/chromium.mjs';
import { stats } from './stats.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const fullId = (m) => (m.startsWith('efficientnet-') || m.startsWith('mobilenet-') ? m : `efficientnet-${m}`);
let model = 'efficientnet-lite0';
let extraModels = ['efficientnet-lite1', 'efficientnet-lite2'];
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--models' || a.startsWith('--models=')) {
    const list = a === '--models' ? process.argv[++i] ?? '' : a.slice('--models='.length);
    extraModels = list.split(',').map((m) => m.trim()).filter(Boolean).map(fullId);
  } else if (a.startsWith('--')) {
    console.error(`bench: unknown option ${a}`);
    process.exit(2);
  } else model = fullId(a);
}
const RUNS = Number(process.env.RUNS) || 50;
const EXTRA_RUNS = Number(process.env.EXTRA_RUNS) || RUNS;
const E2E_RUNS = Number(process.env.E2E_RUNS) || 10;
const COLD_REPS = Number(process.env.COLD_REPS) || 3;
const SETTLE_MS = Number(process.env.SETTLE_MS) || 20;
// the relaxed-SIMD builds take part when built (crate/build-wasm.sh simd-relaxed simd-threads-relaxed)
// 'simd-threads-relaxed/sleepy': that build with its pool left asleep between operators (the A/B
// of crate/src/wasm/warm_pool.rs); '<build>/tract-gemm': that build with tract-linalg's own GEMM kernel
// instead of ours (the A/B of src/kernels/); '<build>/tract-dw': with tract's depthwise
// convolution instead of ours (the A/B of src/kernels/dwconv_op.rs); '<build>/tract-pw': with
// tract's matrix products for the 1x1 convolutions (the A/B of src/kernels/pointwise_op.rs)
const variants = (process.env.VARIANTS?.split(',') ?? [
  'simd', 'simd/tract-pw', 'simd/tract-dw', 'simd-relaxed', 'simd-threads', 'simd-threads/tract-dw', 'simd-threads-relaxed', 'simd-threads-relaxed/tract-pw', 'simd-threads-relaxed/sleepy',
]).filter((v) =>
  existsSync(`${repo}/www/pkg/${v.split('/')[0]}/effnet_bg.wasm`),
);
// the shipped builds, for the extra models and the two-thread speed-ups
const PLAIN = ['simd', 'simd-relaxed', 'simd-threads', 'simd-threads-relaxed'].filter((v) => existsSync(`${repo}/www/pkg/${v}/effnet_bg.wasm`));
const ortDist = `${repo}/node_modules/onnxruntime-web/dist`;
const manifest = JSON.parse(readFileSync(`${repo}/models/manifest.json`, 'utf8'));
const notes = []; // what was skipped and why, printed with the results

// LiteRT.js: its ES module imports the bare specifier @litertjs/wasm-utils, which a worker can't
// map (no import maps in workers): a copy with it rewritten to a served path, in a temp folder
const litertDir = `${repo}/node_modules/@litertjs`;
const peersDir = resolve(process.env.EFFNET_PEERS || `${repo}/../shared/peers`);
const tflite = `${peersDir}/${model}.tflite`;
let litertVersion = null;
let litertCore = null;
if (!existsSync(`${litertDir}/core/dist/index.js`)) notes.push('LiteRT.js skipped: @litertjs/core is not installed (npm ci).');
else if (!existsSync(tflite)) notes.push(`LiteRT.js skipped: no ${tflite} (EFFNET_PEERS names the folder of the peers' models; only Lite0 has a .tflite).`);
else {
  litertVersion = JSON.parse(await readFile(`${litertDir}/core/package.json`, 'utf8')).version;
  const src = await readFile(`${litertDir}/core/dist/index.js`, 'utf8');
  const from = 'from "@litertjs/wasm-utils"';
  if (src.split(from).length !== 2) throw new Error(`@litertjs/core ${litertVersion}: expected one import ${from} in dist/index.js`);
  litertCore = await mkdtemp(join(tmpdir(), 'effnet-litert-'));
  await writeFile(`${litertCore}/index.js`, src.replace(from, 'from "/litert/utils/index.js"'));
}
const missing = extraModels.filter((m) => {
  const e = manifest.models.find((x) => x.id === m);
  return !e || !existsSync(`${repo}/models/${e.file}`);
});
if (missing.length) notes.push(`not benched (not in models/, npm run models): ${missing.join(', ')}.`);
extraModels = extraModels.filter((m) => m !== model && !missing.includes(m));

const ms = (x) => (x == null ? '–' : x.toFixed(1));
const mib = (b) => (b / 2 ** 20).toFixed(1);
const wasmSize = async (f) => {
  const b = await readFile(f);
  return { bytes: b.length, gzipBytes: gzipSync(b, { level: 9 }).length };
};

const server = await serve({
  port: 0,
  mounts: {
    '/': `${repo}/dist-test`,
    '/bench/': `${repo}/bench/pages`,
    '/pkg/': `${repo}/www/pkg`,
    '/ort/': ortDist,
    '/fixtures/': `${repo}/tests/fixtures`,
    ...(litertCore ? { '/litert/core/': litertCore, '/litert/utils/': `${litertDir}/wasm-utils/dist`, '/litert/wasm/': `${litertDir}/core/wasm`, '/peers/': peersDir } : {}),
  },
});
const browser = await launch();
const out = [];
const say = (line = '') => {
  console.log(line);
  out.push(line);
};
try {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error(`[page] ${e.message}`));
  const open = async (path, timeout) => {
    await page.goto(`${server.url}${path}`);
    const r = await page.waitForFunction(() => window.result, null, { timeout, polling: 500 }).then((h) => h.jsonValue());
    if (r.error) throw new Error(`${path}: ${r.error}`);
    return r;
  };

  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;
  process.stderr.write(`bench: ${model} inference, ${variants.join(', ')} against onnxruntime-web${litertCore ? ' and LiteRT.js' : ''}, ${RUNS} runs each...\n`);
  const litertParam = litertCore ? `&litert=/peers/${model}.tflite` : '';
  const r = await open(`/bench/inference.html?runs=${RUNS}&settle=${SETTLE_MS}&e2eRuns=${E2E_RUNS}&model=${model}&variants=${variants.join(',')}${litertParam}`, 1_800_000);
  const extras = {};
  for (const m of extraModels) {
    process.stderr.write(`bench: [${elapsed()}] ${m} inference, ${PLAIN.join(', ')} against onnxruntime-web, ${EXTRA_RUNS} runs each...\n`);
    extras[m] = await open(`/bench/inference.html?runs=${EXTRA_RUNS}&settle=${SETTLE_MS}&e2eRuns=0&model=${m}&variants=${PLAIN.join(',')}`, 1_800_000);
  }

  // cold start: clear both stores, then per engine and thread count an empty-store load and a
  // stored-model load, repeated and alternated
  process.stderr.write(`bench: [${elapsed()}] cold start, ${COLD_REPS} repetitions...\n`);
  const cold = {};
  for (let rep = 0; rep < COLD_REPS; rep++) {
    for (const engine of ['effnet', 'ort']) {
      for (const threads of [1, 2]) {
        await open(`/bench/cold.html?clear=1&model=${model}`, 60_000);
        for (const state of ['empty', 'stored']) {
          const c = await open(`/bench/cold.html?engine=${engine}&threads=${threads}&model=${model}`, 300_000);
          if (c.cached !== (state === 'stored')) throw new Error(`cold start ${engine}: expected a ${state} store, got cached=${c.cached}`);
          const k = `${engine} ${threads}`;
          cold[k] ??= { empty: [], stored: [], createMs: [], startMs: [], top1: c.top1 };
          cold[k][state].push(c.ms);
          if (state === 'stored') cold[k].createMs.push(c.createMs);
          if (state === 'stored') cold[k].startMs.push(c.startMs);
        }
      }
    }
  }

  const sizes = {};
  for (const v of new Set([...variants, ...PLAIN].map((l) => l.split('/')[0]))) sizes[v] = await wasmSize(`${repo}/www/pkg/${v}/effnet_bg.wasm`);
  sizes['ort-wasm-simd-threaded'] = await wasmSize(`${ortDist}/ort-wasm-simd-threaded.wasm`);
  if (litertCore) for (const b of ['litert_wasm_internal', 'litert_wasm_threaded_internal']) sizes[b] = await wasmSize(`${litertDir}/core/wasm/${b}.wasm`);
  const chromium = execFileSync(CHROMIUM, ['--version']).toString().trim();
  const ortVersion = JSON.parse(await readFile(`${repo}/node_modules/onnxruntime-web/package.json`, 'utf8')).version;
  const date = new Date().toISOString().slice(0, 10);
  const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.round(p * (xs.length - 1))];

  // effnet-wasm / peer, run by run, for every effnet-wasm build paired with that peer
  const pairRatios = (res, peer) => {
    const out = {};
    for (const c of res.configs.filter((c) => c.engine === 'effnet-wasm' && (c.peer ?? 'onnxruntime-web') === peer)) {
      const theirs = res.configs.find((o) => o.engine === peer && o.pairedWith === c.label);
      out[c.label] = { ours: c, theirs, xs: c.ms.map((t, i) => t / theirs.ms[i]) };
    }
    return out;
  };
  // each engine's two-thread speed-up: the median of its 1-thread runs over that of its 2-thread
  // runs, pooled over the pairs of the shipped builds (effnet-wasm: baseline and relaxed apart)
  const speedups = (res) => {
    const plain = res.configs.filter((c) => PLAIN.includes(c.engine === 'effnet-wasm' ? c.label : c.pairedWith));
    const runs = (f) => plain.filter(f).flatMap((c) => c.ms);
    const rows = [];
    const row = (engine, one, two, f1, f2) => {
      const a = runs(f1);
      const b = runs(f2);
      if (a.length && b.length) rows.push({ engine, one, two, oneMs: stats(a).median, twoMs: stats(b).median, speedup: stats(a).median / stats(b).median });
    };
    for (const [one, two] of [['simd', 'simd-threads'], ['simd-relaxed', 'simd-threads-relaxed']]) {
      row('effnet-wasm', one, two, (c) => c.engine === 'effnet-wasm' && c.label === one, (c) => c.engine === 'effnet-wasm' && c.label === two);
    }
    for (const [engine, one, two] of [['LiteRT.js', 'litert_wasm_internal', 'litert_wasm_threaded_internal'], ['onnxruntime-web', 'ort-wasm-simd-threaded', 'ort-wasm-simd-threaded']]) {
      row(engine, one, two, (c) => c.engine === engine && c.threads === 1, (c) => c.engine === engine && c.threads === 2);
    }
    return rows;
  };
  const configTable = (res) => {
    say('| runtime | build | threads | inference median ms | p90 ms | model compile ms | wasm bytes | gzipped | wasm memory MiB |');
    say('|---|---|---|---|---|---|---|---|---|');
    for (const c of res.configs) {
      const s = stats(c.ms);
      const z = sizes[c.variant];
      const build = c.pairedWith ? `${c.variant} (paired with ${c.pairedWith})` : c.peer && c.peer !== 'onnxruntime-web' ? `${c.label} (paired with ${c.peer})` : c.label;
      say(`| ${c.engine} | ${build} | ${c.threads} | ${ms(s.median)} | ${ms(s.p90)} | ${c.createMs.toFixed(0)} | ${z.bytes} | ${z.gzipBytes} | ${mib(c.wasmMemoryBytes)} |`);
    }
  };
  const ratioTable = (rs, peer) => {
    say(`effnet-wasm / ${peer} at the same thread count, each run paired with the same-round run of the other:`);
    say();
    say(`| build | threads | ratio median | ratio p10–p90 | effnet-wasm median ms | ${peer} median ms | max \\|logit diff\\| | top-1 |`);
    say('|---|---|---|---|---|---|---|---|');
    for (const [label, { ours, theirs, xs }] of Object.entries(rs)) {
      say(`| ${label} | ${ours.threads} | ${stats(xs).median.toFixed(3)} | ${q(xs, 0.1).toFixed(2)}–${q(xs, 0.9).toFixed(2)} | ${ms(stats(ours.ms).median)} | ${ms(stats(theirs.ms).median)} | ${theirs.maxLogitDiff.toExponential(1)} | ${theirs.top1 === ours.top1 ? 'equal' : `DIFFERENT (${ours.top1} vs ${theirs.top1})`} |`);
    }
    const pooled = Object.entries(rs).filter(([, { ours }]) => ours.pool?.runs);
    if (pooled.length) say();
    for (const [label, { ours }] of pooled) say(`${label}: ${poolLine(ours.pool)}`);
  };
  // crate/src/wasm/warm_pool.rs's counters over a config's timed runs
  const poolLine = (p) =>
    `the helper thread joined after ${(p.opsAlone / p.runs).toFixed(1)} of ${(p.ops / p.runs).toFixed(1)} split operators per run on average ` +
    `(${p.opsAlone} of ${p.ops} in ${p.runs} runs ran on the calling thread alone) and ran ${((100 * p.helperChunks) / p.chunks).toFixed(1)} % of the chunks.`;
  const speedupTable = (rows, paired) => {
    if (paired?.length) {
      say('Two threads over one, paired: each engine\'s 1-thread and 2-thread instances alone in the page, runs interleaved, the speed-up taken run by run:');
      say();
      say('| engine | 1 thread | 2 threads | 1-thread median ms | 2-thread median ms | speed-up, median of pairs (p10–p90) |');
      say('|---|---|---|---|---|---|');
      for (const x of paired) {
        const xs = x.oneMs.map((a, i) => a / x.twoMs[i]);
        say(`| ${x.engine} | ${x.one} | ${x.two} | ${ms(stats(x.oneMs).median)} | ${ms(stats(x.twoMs).median)} | **${stats(xs).median.toFixed(2)}×** (${q(xs, 0.1).toFixed(2)}–${q(xs, 0.9).toFixed(2)}) |`);
      }
      say();
      for (const x of paired.filter((x) => x.pool)) say(`${x.two}: ${poolLine(x.pool)}`);
      if (paired.some((x) => x.pool)) say();
    }
    say('Two threads over one, per engine (median of its 1-thread runs / median of its 2-thread runs, pooled over the pairs of the shipped builds):');
    say();
    say('| engine | 1 thread | 2 threads | 1-thread median ms | 2-thread median ms | speed-up |');
    say('|---|---|---|---|---|---|');
    for (const x of rows) say(`| ${x.engine} | ${x.one} | ${x.two} | ${ms(x.oneMs)} | ${ms(x.twoMs)} | ${x.speedup.toFixed(2)}× |`);
  };

  say(`${model}, ${date}: ${chromium}, onnxruntime-web ${ortVersion}${litertVersion ? `, LiteRT.js (@litertjs/core) ${litertVersion}` : ''}, ${cpus().length} × ${cpus()[0].model}.`);
  for (const n of notes) say(n);
  say(`Inference: each effnet-wasm build paired with onnxruntime-web at its thread count${litertCore ? ', and each shipped build paired again with LiteRT.js' : ''}, the two alone in the page, ${r.runs} runs each`);
  say(`after ${r.warmup} warm-ups, interleaved (A B A B ...) with ${SETTLE_MS} ms between runs; wasm memory after ${r.memoryAfter} classifications.`);
  if (litertCore) {
    say(`LiteRT.js: its CPU path (accelerator 'wasm', XNNPACK), 1 thread its relaxed-SIMD build, 2 threads its pthreads build with numThreads 2, on`);
    say(`${tflite.replace(/.*\/shared\//, 'shared/')} (the same weights), fed effnet-wasm's input tensor transposed to NHWC; timed around model.run() with the copies in and out.`);
  }
  say();
  configTable(r);
  say();
  const ratios = pairRatios(r, 'onnxruntime-web');
  ratioTable(ratios, 'onnxruntime-web');
  let litertRatios = null;
  const litertDisagrees = [];
  if (litertCore) {
    litertRatios = pairRatios(r, 'LiteRT.js');
    say();
    ratioTable(litertRatios, 'LiteRT.js');
    for (const [label, { ours, theirs }] of Object.entries(litertRatios)) {
      if (theirs.top1 !== ours.top1) litertDisagrees.push(`${theirs.label} (paired with ${label}): top-1 ${theirs.top1}, effnet-wasm's ${ours.top1}`);
    }
  }
  const speedup = speedups(r);
  say();
  speedupTable(speedup, r.pairedSpeedups);
  if (r.e2e.length) {
    say();
    say(`End to end, a ${r.jpegBytes}-byte 4000×3000 JPEG (decode + preprocess + inference), median of ${r.e2eRuns}:`);
    say();
    say('| path | threads | median ms | p90 ms | top-1 |');
    say('|---|---|---|---|---|');
    for (const e of r.e2e) say(`| ${e.name} | ${e.threads} | ${ms(stats(e.ms).median)} | ${ms(stats(e.ms).p90)} | ${e.top1} |`);
  }
  say();
  say(`Cold start, page load → first result for one photo (median of ${COLD_REPS}); of the stored-model case, the page's own`);
  say('scripts starting, and the model compile (bytes in hand → runnable: onnxruntime-web\'s session creation):');
  say();
  say('| runtime | threads | empty store ms | model in IndexedDB ms | page scripts start ms | model compile ms | top-1 |');
  say('|---|---|---|---|---|---|---|');
  for (const [k, c] of Object.entries(cold)) {
    const [engine, threads] = k.split(' ');
    say(`| ${engine === 'effnet' ? 'effnet-wasm' : 'onnxruntime-web'} | ${threads} | ${ms(stats(c.empty).median)} | ${ms(stats(c.stored).median)} | ${ms(stats(c.startMs).median)} | ${ms(stats(c.createMs).median)} | ${c.top1} |`);
  }
  say();
  say(`Where effnet-wasm's time goes (${r.configs[0].label}, tract's profile by op type, each the median of 9 profiled runs):`);
  say();
  for (const t of r.profile.slice(0, 8)) say(`    ${t.op.padEnd(28)} ${String(t.nodes).padStart(4)} nodes ${t.ms.toFixed(2).padStart(8)} ms`);

  const extraJson = {};
  for (const [m, x] of Object.entries(extras)) {
    say();
    say(`## ${m}`);
    say();
    say(`Inference only: the ${PLAIN.length} shipped builds against onnxruntime-web, ${x.runs} runs each after ${x.warmup} warm-ups` + (x.runs < r.runs ? ` (fewer than ${model}'s ${r.runs}, to keep \`npm run bench\` within ~15 minutes on 2 cores; EXTRA_RUNS sets it)` : '') + ';');
    say(`no LiteRT.js (it has only Lite0's .tflite), no end to end or cold start.`);
    say();
    configTable(x);
    say();
    const xr = pairRatios(x, 'onnxruntime-web');
    ratioTable(xr, 'onnxruntime-web');
    const xs = speedups(x);
    say();
    speedupTable(xs, x.pairedSpeedups);
    extraJson[m] = { ...x, ratios: Object.fromEntries(Object.entries(xr).map(([k, v]) => [k, v.xs])), speedups: xs };
  }
  say();
  say(`(${elapsed()} in all)`);

  await mkdir(`${repo}/bench/results`, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '');
  const file = `${repo}/bench/results/bench-${stamp}`;
  const xsOf = (rs) => rs && Object.fromEntries(Object.entries(rs).map(([k, v]) => [k, v.xs]));
  await writeFile(`${file}.json`, JSON.stringify({
    date, chromium, ortVersion, litertVersion, cpu: cpus()[0].model, cores: cpus().length, notes, sizes,
    ratios: xsOf(ratios), litertRatios: xsOf(litertRatios), speedups: speedup, cold, ...r, extraModels: extraJson,
  }, null, 1));
  await writeFile(`${file}.md`, out.join('\n') + '\n');
  console.log(`\nwritten ${file}.json and .md`);
  if (litertDisagrees.length) {
    console.error(`bench: FAILED: LiteRT.js's top-1 differs from effnet-wasm's on the bench photo: ${litertDisagrees.join('; ')}`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  server.close();
  if (litertCore) await rm(litertCore, { recursive: true, force: true });
}
