// `npm run bench:tagger`: the photo tagger page (www/tagger/) on N photos of 12 MP
// (4000x3000 JPEGs made from tests/fixtures; default 200), cross-origin isolated (2 threads),
// headless chromium. Prints images per minute (the whole page pipeline: read, decode,
// preprocess, inference, thumbnail, IndexedDB) with the worker's per-image times, and memory
// sampled every 20 images: the page's JS heap after a GC (CDP Runtime.getHeapUsage) and the
// resident memory of chromium's renderer processes, where the page, its workers and their wasm
// memories live, and of all its processes (/proc). Asserts nothing.
// (performance.measureUserAgentSpecificMemory was tried: it mostly answered only after >10 s.)
//   node bench/tagger.mjs [N]       needs dist-test/ (npm run build:test) and the models venv
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../www/serve.mjs';
import { launch } from '../tools/chromium.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const N = Number(process.argv[2]) || 200;
const EVERY = 20;
const venv = process.env.EFFNET_VENV || join(repo, '.venv');
const mib = (b) => (b / 2 ** 20).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** Resident memory (bytes) of the browser (every process descended from this one) and of its
 *  renderers (the page, its workers and their wasm memories live there). */
async function browserRss() {
  const parent = new Map();
  const rss = new Map();
  for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      parent.set(pid, status.match(/^PPid:\s+(\d+)/m)[1]);
      rss.set(pid, Number(status.match(/^VmRSS:\s+(\d+) kB/m)?.[1] ?? 0) * 1024);
    } catch {}
  }
  const mine = (pid) => {
    for (let p = pid; p && p !== '0' && p !== '1'; p = parent.get(p)) if (p === String(process.pid)) return true;
    return false;
  };
  let rssAll = 0;
  let rssRenderers = 0;
  for (const [pid, b] of rss) {
    if (pid === String(process.pid) || !mine(pid)) continue;
    rssAll += b;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes('--type=renderer')) rssRenderers += b;
  }
  return { rssAll, rssRenderers };
}

const work = await mkdtemp(join(tmpdir(), 'effnet-tagger-bench-'));
const dir = join(work, 'photos');
const made = spawnSync(join(venv, 'bin/python'), [`${repo}/tools/tagger_photos.py`, 'bench', dir, String(N)], { encoding: 'utf8' });
if (made.status !== 0) throw new Error(`making the photos failed: ${made.error ?? made.stderr}`);

const server = await serve({ port: 0, mounts: { '/': `${repo}/dist-test` } });
const browser = await launch();
try {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error(`[page] ${e.message}`));
  const cdp = await browser.context.newCDPSession(page);
  await page.goto(`${server.url}/tagger/`);
  await page.waitForSelector('body[data-model="ready"]', { timeout: 120_000 });
  await page.click('#clear');
  const status = await page.textContent('#model-status');
  const threads = Number(status.match(/(\d+) threads?/)[1]);

  const samples = [];
  const sample = async (done) => {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    samples.push({ done, jsHeap: heap.usedSize, ...(await browserRss()) });
  };
  await sample(0);
  const t0 = Date.now();
  await page.setInputFiles('#folder-input', dir);
  let next = EVERY;
  for (;;) {
    const [state, text] = await page.evaluate(() => [document.body.dataset.state, document.querySelector('#progress-text').textContent]);
    const done = Number(text.match(/^(\d+) \//)?.[1] ?? 0);
    if (done >= next) {
      await sample(done);
      next = (Math.floor(done / EVERY) + 1) * EVERY;
    }
    if (state === 'done' || state === 'failed') {
      if (samples.at(-1).done !== done) await sample(done);
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const summary = await page.textContent('#summary');
  const timing = await page.evaluate(
    () =>
      new Promise((ok, fail) => {
        const open = indexedDB.open('effnet-tagger');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('results').objectStore('results').getAll();
          all.onsuccess = () => ok(all.result.filter((r) => r.timing).map((r) => ({ ...r.timing, taggedAt: r.taggedAt })));
        };
      }),
  );

  // from choosing the folder to the last stored result (the memory sampling runs alongside)
  const secs = (Math.max(...timing.map((t) => t.taggedAt)) - t0) / 1000;
  console.log(`# tagger: ${N} photos of 4000x3000 (12 MP JPEG), ${threads} threads, ${cpus().length} cores (${cpus()[0].model.trim()})`);
  console.log(summary);
  console.log(`\n| photos | seconds | images per minute | worker decode ms (median) | preprocess ms | inference ms |`);
  console.log(`|---|---|---|---|---|---|`);
  console.log(
    `| ${timing.length} | ${secs.toFixed(1)} | ${((60 * timing.length) / secs).toFixed(0)} | ${median(timing.map((t) => t.decodeMs)).toFixed(0)} | ${median(timing.map((t) => t.preprocessMs)).toFixed(0)} | ${median(timing.map((t) => t.inferenceMs)).toFixed(0)} |`,
  );
  console.log(`\n| after image | page JS heap MiB | renderer RSS MiB (page + workers + wasm) | all chromium RSS MiB |`);
  console.log(`|---|---|---|---|`);
  for (const s of samples) console.log(`| ${s.done} | ${mib(s.jsHeap)} | ${mib(s.rssRenderers)} | ${mib(s.rssAll)} |`);
  const later = samples.filter((s) => s.done >= 2 * EVERY);
  if (later.length > 1) {
    const growth = (k) => mib(later.at(-1)[k] - later[0][k]);
    console.log(`\ngrowth from image ${later[0].done} to ${later.at(-1).done}: JS heap ${growth('jsHeap')} MiB, renderer RSS ${growth('rssRenderers')} MiB`);
  }
} finally {
  await browser.close();
  server.close();
  await rm(work, { recursive: true, force: true });
}
