// `npm run bench:zoo`: every manifest model's inference time in headless chromium, per wasm
// build (simd at 1 thread, simd-threads at 2, and the relaxed-SIMD builds when built). Models
// built here run from models/; the others from a seeded random-weight export made in a temp
// dir by the model tool (speed does not depend on the weight values). Prints a markdown table
// and writes bench/results/zoo-<time>.{json,md}; asserts nothing.
//   node bench/zoo.mjs [id ...]   env: RUNS (default 20), WARMUP (3), VARIANTS, EFFNET_VENV
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../www/serve.mjs';
import { launch, CHROMIUM } from '../tools/chromium.mjs';
import { stats } from './stats.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Math.max(20, Number(process.env.RUNS) || 20);
const WARMUP = Number(process.env.WARMUP) || 3;
const python = join(process.env.EFFNET_VENV || join(repo, '.venv'), 'bin', 'python');
const builds = [
  ['simd', 1],
  ['simd-threads', 2],
  ['simd-relaxed', 1],
  ['simd-threads-relaxed', 2],
].filter(([v]) => (!process.env.VARIANTS || process.env.VARIANTS.split(',').includes(v)) && existsSync(`${repo}/www/pkg/${v}/effnet_bg.wasm`));

const manifest = JSON.parse(await readFile(`${repo}/models/manifest.json`, 'utf8'));
const only = process.argv.slice(2);
const entries = manifest.models.filter((m) => !only.length || only.includes(m.id));
const built = (m) => m.sha256 && existsSync(`${repo}/models/${m.file}`);

// the unbuilt models: seeded random weights, exported by the model tool (tools/random_weights.py)
const tmp = await mkdtemp(join(tmpdir(), 'effnet-zoo-'));
const random = entries.filter((m) => !built(m)).map((m) => m.id);
const exported = {};
if (random.length) {
  process.stderr.write(`zoo: exporting random-weight graphs of ${random.join(', ')} ...\n`);
  const lines = execFileSync(python, [`${repo}/tools/random_weights.py`, tmp, ...random], { encoding: 'utf8', maxBuffer: 1 << 24 });
  for (const l of lines.trim().split('\n')) {
    const e = JSON.parse(l);
    exported[e.id] = e;
  }
}


const server = await serve({
  port: 0,
  mounts: { '/bench/': `${repo}/bench/pages`, '/pkg/': `${repo}/www/pkg`, '/fixtures/': `${repo}/tests/fixtures`, '/zoo-models/': tmp },
});
const browser = await launch();
const results = [];
try {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error(`[page] ${e.message}`));
  await page.goto(`${server.url}/bench/zoo.html`);
  await page.waitForFunction(() => window.ready, null, { timeout: 60_000 });
  for (const entry of entries) {
    const real = built(entry);
    const url = real ? `/models/${entry.file}` : `/zoo-models/${exported[entry.id].file}`;
    const bytes = real ? entry.bytes : exported[entry.id].bytes;
    const row = { id: entry.id, weights: real ? 'real' : 'random', size: entry.preprocess.size, bytes, builds: {} };
    for (const [variant, threads] of builds) {
      process.stderr.write(`zoo: ${entry.id}, ${variant} × ${threads} ...\n`);
      const r = await page.evaluate((a) => window.measure(a), { variant, threads, entry, url, runs: RUNS, warmup: WARMUP });
      row.builds[`${variant} ${threads}`] = { ...stats(r.ms), createMs: r.createMs, top1: r.top1, ms: r.ms };
    }
    results.push(row);
  }
} finally {
  await browser.close();
  server.close();
  await rm(tmp, { recursive: true, force: true });
}

const chromium = execFileSync(CHROMIUM, ['--version']).toString().trim();
const date = new Date().toISOString().slice(0, 10);
const out = [];
const say = (line = '') => {
  console.log(line);
  out.push(line);
};
const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
say(`${date}: ${chromium}, ${cpus().length} × ${cpus()[0].model}; \`npm run bench:zoo\`. Inference only (the coffee photo, preprocessed`);
say(`by the model's own contract), median (p90) ms of ${RUNS} runs after ${WARMUP} warm-ups, one worker per model and build.`);
say('Weights "random": the model is not built here; a seeded random-weight export of its architecture');
say('(tools/random_weights.py) runs instead: inference time does not depend on the weight values.');
say();
const cols = builds.map(([v, t]) => `${v} ${t}`);
const label = (c) => `${c.replace(' ', ', ')} t`;
const perMpCols = cols.slice(0, 2); // ms per megapixel for the plain builds
say(`| model | weights | input | pixels | bytes | ${cols.map((c) => `${label(c)} ms`).join(' | ')} | ${perMpCols.map((c) => `ms/MP (${label(c)})`).join(' | ')} |`);
say(`|---|---|---|---|---|${cols.map(() => '---|').join('')}${perMpCols.map(() => '---|').join('')}`);
for (const r of results) {
  const px = r.size * r.size;
  const cells = cols.map((c) => `${f(r.builds[c].median)} (${f(r.builds[c].p90)})`);
  const perMp = perMpCols.map((c) => f(r.builds[c].median / (px / 1e6)));
  say(`| ${r.id} | ${r.weights} | ${r.size}×${r.size} | ${px} | ${r.bytes} | ${cells.join(' | ')} | ${perMp.join(' | ')} |`);
}
await mkdir(`${repo}bench/results`, { recursive: true });
const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '');
const file = `${repo}bench/results/zoo-${stamp}`;
await writeFile(`${file}.json`, JSON.stringify({ date, chromium, cpu: cpus()[0].model, cores: cpus().length, runs: RUNS, warmup: WARMUP, results }, null, 1));
await writeFile(`${file}.md`, out.join('\n') + '\n');
console.log(`\nwritten ${file}.json and .md`);
