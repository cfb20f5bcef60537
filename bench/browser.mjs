// `npm run bench`: Lite0 in headless chromium, single-threaded `simd` vs `simd-threads` with
// 2 threads, runs interleaved (A B A B ...) so machine drift hits both. Prints figures and
// writes bench/results/browser-<date>.json; asserts nothing.
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { serve } from '../www/serve.mjs';
import { launch, CHROMIUM } from '../tests/browser/chromium.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.RUNS) || 50;
const WARMUP = 5;
const model = process.argv[2] || 'efficientnet-lite0';

const server = await serve({ port: 0, mounts: { '/': `${repo}/dist-test`, '/fixtures/': `${repo}/tests/fixtures` } });
const browser = await launch();
try {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/harness.html`);
  await page.waitForFunction(() => window.ready === true);
  const out = await page.evaluate(
    async ({ model, RUNS, WARMUP }) => {
      const photo = await fixture('coffee.png');
      const bitmap = await createImageBitmap(photo);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      canvas.getContext('2d').drawImage(bitmap, 0, 0);
      const pixels = canvas.getContext('2d').getImageData(0, 0, bitmap.width, bitmap.height);
      // first create downloads into IndexedDB; the timed creates read it from there
      (await effnet.ImageClassifier.create({ model, threads: 1 })).dispose();
      const configs = {};
      for (const threads of [1, 2]) {
        const t0 = performance.now();
        const clf = await effnet.ImageClassifier.create({ model, threads });
        configs[threads] = { clf, createMs: performance.now() - t0, inference: [], preprocess: [] };
        for (let i = 0; i < WARMUP; i++) await clf.classify(pixels);
      }
      for (let i = 0; i < RUNS; i++) {
        for (const c of Object.values(configs)) {
          const r = await c.clf.classify(pixels);
          c.inference.push(r.timing.inferenceMs);
          c.preprocess.push(r.timing.preprocessMs);
        }
      }
      const profile = await configs[1].clf.profile();
      const result = {};
      for (const [threads, c] of Object.entries(configs)) {
        result[threads] = { backend: c.clf.backend, createMs: c.createMs, inference: c.inference, preprocess: c.preprocess };
        c.clf.dispose();
      }
      return { result, profile, ua: navigator.userAgent };
    },
    { model, RUNS, WARMUP },
  );
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p) => s[Math.round((s.length - 1) * p)];
    return { median: q(0.5), p90: q(0.9), min: s[0] };
  };
  const sizes = {};
  for (const v of ['simd', 'simd-threads']) {
    sizes[v] = JSON.parse(await readFile(`${repo}/www/pkg/${v}/size.json`, 'utf8'));
  }
  const chromium = execFileSync(CHROMIUM, ['--version']).toString().trim();
  console.log(`${model} in ${chromium}; ${cpus().length} × ${cpus()[0].model}; ${RUNS} runs after ${WARMUP} warm-ups, interleaved\n`);
  console.log('| build | threads | inference median ms | p90 | min | preprocess median ms | create (cached model) ms | wasm bytes | gzipped |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const rows = [];
  for (const [threads, r] of Object.entries(out.result)) {
    const v = Number(threads) > 1 ? 'simd-threads' : 'simd';
    const i = stats(r.inference);
    rows.push({ variant: v, threads: r.backend.threads, inference: i, preprocess: stats(r.preprocess), createMs: r.createMs, ...sizes[v] });
    console.log(
      `| ${v} | ${r.backend.threads} | ${i.median.toFixed(2)} | ${i.p90.toFixed(2)} | ${i.min.toFixed(2)} | ` +
        `${stats(r.preprocess).median.toFixed(2)} | ${r.createMs.toFixed(0)} | ${sizes[v].bytes} | ${sizes[v].gzipBytes} |`,
    );
  }
  const ratios = out.result[2].inference.map((t, k) => t / out.result[1].inference[k]);
  console.log(`\n2 threads / 1 thread, pair by pair: median ${stats(ratios).median.toFixed(3)}`);
  console.log('\nsingle-thread profile (one run):');
  for (const t of out.profile.slice(0, 6)) console.log(`  ${t.op.padEnd(24)} ${String(t.nodes).padStart(4)} nodes ${t.ms.toFixed(2).padStart(8)} ms`);
  await mkdir(`${repo}/bench/results`, { recursive: true });
  const file = `${repo}/bench/results/browser-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`;
  await writeFile(file, JSON.stringify({ model, chromium, cpu: cpus()[0].model, runs: RUNS, rows, ratios, profile: out.profile }, null, 1));
  console.log(`\nwritten ${file}`);
} finally {
  await browser.close();
  server.close();
}
