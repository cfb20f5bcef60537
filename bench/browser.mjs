// `npm run bench`: effnet-wasm against onnxruntime-web in one headless-chromium session, on
// the same model and input. Prints markdown tables and writes bench/results/bench-<time>.{json,md};
// asserts nothing (speed is reported, not tested).
//   node bench/browser.mjs [model]   env: RUNS (default 50), E2E_RUNS (10), COLD_REPS (3)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { serve } from '../www/serve.mjs';
import { launch, CHROMIUM } from '../tests/browser/chromium.mjs';
import { stats } from './stats.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const model = process.argv[2] || 'efficientnet-lite0';
const RUNS = Number(process.env.RUNS) || 50;
const E2E_RUNS = Number(process.env.E2E_RUNS) || 10;
const COLD_REPS = Number(process.env.COLD_REPS) || 3;
const SETTLE_MS = Number(process.env.SETTLE_MS) || 20;
// the relaxed-SIMD builds take part when built (crate/build-wasm.sh simd-relaxed simd-threads-relaxed)
// 'simd-threads-relaxed/sleepy': that build with its pool left asleep between operators (the A/B
// of src/warm_pool.rs); '<build>/tract-gemm': that build with tract-linalg's own GEMM kernel
// instead of ours (the A/B of src/kernels/)
const variants = (process.env.VARIANTS?.split(',') ?? [
  'simd', 'simd/tract-gemm', 'simd-relaxed', 'simd-threads', 'simd-threads-relaxed', 'simd-threads-relaxed/tract-gemm', 'simd-threads-relaxed/sleepy',
]).filter((v) =>
  existsSync(`${repo}/www/pkg/${v.split('/')[0]}/effnet_bg.wasm`),
);
const ortDist = `${repo}/node_modules/onnxruntime-web/dist`;

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

  process.stderr.write(`bench: inference, ${variants.join(', ')} and onnxruntime-web, ${RUNS} runs each...\n`);
  const r = await open(`/bench/inference.html?runs=${RUNS}&settle=${SETTLE_MS}&e2eRuns=${E2E_RUNS}&model=${model}&variants=${variants.join(',')}`, 1_800_000);

  // cold start: clear both stores, then per engine and thread count an empty-store load and a
  // stored-model load, repeated and alternated
  process.stderr.write(`bench: cold start, ${COLD_REPS} repetitions...\n`);
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
  for (const v of new Set(variants.map((l) => l.split("/")[0]))) sizes[v] = await wasmSize(`${repo}/www/pkg/${v}/effnet_bg.wasm`);
  sizes['ort-wasm-simd-threaded'] = await wasmSize(`${ortDist}/ort-wasm-simd-threaded.wasm`);
  const chromium = execFileSync(CHROMIUM, ['--version']).toString().trim();
  const ortVersion = JSON.parse(await readFile(`${repo}/node_modules/onnxruntime-web/package.json`, 'utf8')).version;
  const date = new Date().toISOString().slice(0, 10);

  say(`${model}, ${date}: ${chromium}, onnxruntime-web ${ortVersion}, ${cpus().length} × ${cpus()[0].model}.`);
  say(`Inference: each effnet-wasm build paired with onnxruntime-web at its thread count, the two alone in the page, ${r.runs} runs each`);
  say(`after ${r.warmup} warm-ups, interleaved (A B A B ...) with ${SETTLE_MS} ms between runs; wasm memory after ${r.memoryAfter} classifications.`);
  say();
  say('| runtime | build | threads | inference median ms | p90 ms | model compile ms | wasm bytes | gzipped | wasm memory MiB |');
  say('|---|---|---|---|---|---|---|---|---|');
  for (const c of r.configs) {
    const s = stats(c.ms);
    const z = sizes[c.variant];
    const build = c.pairedWith ? `${c.variant} (paired with ${c.pairedWith})` : c.label;
    say(`| ${c.engine} | ${build} | ${c.threads} | ${ms(s.median)} | ${ms(s.p90)} | ${c.createMs.toFixed(0)} | ${z.bytes} | ${z.gzipBytes} | ${mib(c.wasmMemoryBytes)} |`);
  }
  say();
  say('effnet-wasm / onnxruntime-web at the same thread count, each run paired with the same-round run of the other:');
  say();
  say('| build | threads | ratio median | ratio p10–p90 | max \\|logit diff\\| | top-1 |');
  say('|---|---|---|---|---|---|');
  const ratios = {};
  for (const c of r.configs.filter((c) => c.engine === 'effnet-wasm')) {
    const theirs = r.configs.find((o) => o.engine === 'onnxruntime-web' && o.pairedWith === c.label);
    const xs = c.ms.map((t, i) => t / theirs.ms[i]);
    const sorted = [...xs].sort((a, b) => a - b);
    ratios[c.label] = xs;
    say(`| ${c.label} | ${c.threads} | ${stats(xs).median.toFixed(3)} | ${sorted[Math.round(0.1 * (xs.length - 1))].toFixed(2)}–${sorted[Math.round(0.9 * (xs.length - 1))].toFixed(2)} | ${theirs.maxLogitDiff.toExponential(1)} | ${theirs.top1 === c.top1 ? 'equal' : `DIFFERENT (${c.top1} vs ${theirs.top1})`} |`);
  }
  say();
  say(`End to end, a ${r.jpegBytes}-byte 4000×3000 JPEG (decode + preprocess + inference), median of ${r.e2eRuns}:`);
  say();
  say('| path | threads | median ms | p90 ms | top-1 |');
  say('|---|---|---|---|---|');
  for (const e of r.e2e) say(`| ${e.name} | ${e.threads} | ${ms(stats(e.ms).median)} | ${ms(stats(e.ms).p90)} | ${e.top1} |`);
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
  say(`Where effnet-wasm's time goes (${r.configs[0].label}, one run, tract's profile by op type):`);
  say();
  for (const t of r.profile.slice(0, 8)) say(`    ${t.op.padEnd(28)} ${String(t.nodes).padStart(4)} nodes ${t.ms.toFixed(2).padStart(8)} ms`);

  await mkdir(`${repo}/bench/results`, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '');
  const file = `${repo}/bench/results/bench-${stamp}`;
  await writeFile(`${file}.json`, JSON.stringify({ date, chromium, ortVersion, cpu: cpus()[0].model, cores: cpus().length, sizes, ratios, cold, ...r }, null, 1));
  await writeFile(`${file}.md`, out.join('\n') + '\n');
  console.log(`\nwritten ${file}.json and .md`);
} finally {
  await browser.close();
  server.close();
}
