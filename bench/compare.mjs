// `npm run bench:compare`: effnet-wasm vs onnxruntime-web in one headless-chromium session.
// Prints a markdown table, writes bench/results/compare-<time>.json; asserts nothing.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { serve } from '../www/serve.mjs';
import { launch, CHROMIUM } from '../tests/browser/chromium.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const model = process.argv[2] || 'efficientnet-lite0';
const server = await serve({
  port: 0,
  mounts: {
    '/': `${repo}/dist-test`,
    '/bench/': `${repo}/bench`,
    '/pkg/': `${repo}/www/pkg`,
    '/ort/': `${repo}/node_modules/onnxruntime-web/dist`,
    '/fixtures/': `${repo}/tests/fixtures`,
  },
});
const browser = await launch();
try {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error(`[page] ${e.message}`));
  await page.goto(`${server.url}/bench/compare.html?runs=${process.env.RUNS || 50}&model=${model}`);
  const r = await page.waitForFunction(() => window.result, null, { timeout: 900_000, polling: 1000 }).then((h) => h.jsonValue());

  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p) => s[Math.round((s.length - 1) * p)];
    return { median: q(0.5), p90: q(0.9) };
  };
  const size = async (f) => {
    const b = await readFile(f);
    return { bytes: (await stat(f)).size, gzipBytes: gzipSync(b, { level: 9 }).length };
  };
  const sizes = {
    'effnet-wasm simd': await size(`${repo}/www/pkg/simd/effnet_bg.wasm`),
    'effnet-wasm simd-threads': await size(`${repo}/www/pkg/simd-threads/effnet_bg.wasm`),
    'onnxruntime-web wasm': await size(`${repo}/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm`),
  };
  const chromium = execFileSync(CHROMIUM, ['--version']).toString().trim();
  const ortVersion = JSON.parse(await readFile(`${repo}/node_modules/onnxruntime-web/package.json`, 'utf8')).version;
  console.log(`${model}: ${chromium}, onnxruntime-web ${ortVersion}, ${cpus().length} × ${cpus()[0].model}, ${r.runs} runs after 5 warm-ups, interleaved\n`);
  console.log('| runtime | threads | inference median ms | p90 | session create ms | wasm bytes | gzipped |');
  console.log('|---|---|---|---|---|---|---|');
  for (const c of r.configs) {
    const s = stats(c.ms);
    const z = sizes[c.name];
    console.log(`| ${c.name} | ${c.threads} | ${s.median.toFixed(2)} | ${s.p90.toFixed(2)} | ${c.createMs.toFixed(0)} | ${z.bytes} | ${z.gzipBytes} |`);
  }
  console.log('');
  for (const threads of [1, 2]) {
    const ours = r.configs.find((c) => c.name.startsWith('effnet') && c.threads === threads);
    const theirs = r.configs.find((c) => c.name.startsWith('onnx') && c.threads === threads);
    const ratios = ours.ms.map((t, i) => t / theirs.ms[i]);
    console.log(`${threads} thread(s): effnet-wasm / onnxruntime-web, pair by pair: median ${stats(ratios).median.toFixed(3)}`);
    const d = r.diffs[threads];
    console.log(`  same input tensor: max |logit difference| ${d.maxLogitDiff.toExponential(2)}, top-1 ${d.sameTop1 ? 'equal' : 'DIFFERENT'} (${d.top1})`);
  }
  await mkdir(`${repo}/bench/results`, { recursive: true });
  const file = `${repo}/bench/results/compare-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`;
  await writeFile(file, JSON.stringify({ ...r, chromium, ortVersion, cpu: cpus()[0].model, sizes }, null, 1));
  console.log(`\nwritten ${file}`);
} finally {
  await browser.close();
  server.close();
}
