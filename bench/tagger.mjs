// `npm run bench:tagger`: the photo tagger page (www/tagger/), cross-origin isolated, headless
// chromium, on two kinds of folder:
//  - fixtures: N photos of 12 MP (4000x3000 JPEGs made from tests/fixtures; default 200), once
//    per configuration: decode exact or fast (the page's ?decode=), with one engine (the
//    library's threads) or several single-threaded ones (?engines=, www/tagger/engines.js);
//  - real: camera photos from Debian's wallpaper packages (bench/real-photos.mjs): the four
//    typical ones cycled to 200, the three large ones cycled to 120, all seven cycled to 280,
//    with the page's defaults (fast decode, one engine per core).
// Prints images per minute (the whole page pipeline: read, decode, preprocess, inference,
// thumbnail, IndexedDB) with the per-image medians of each stage (the worker's timing; store:
// IndexedDB put to success, timed in the page), and memory sampled every 20 images: the page's
// JS heap after a GC (CDP Runtime.getHeapUsage) and the resident memory of chromium's renderer
// processes, where the page, its workers and their wasm memories live, and of all its
// processes (/proc). Asserts nothing.
// (performance.measureUserAgentSpecificMemory was tried: it mostly answered only after >10 s.)
//   node bench/tagger.mjs [N] [configs]   configs: decode:engines,... (default exact:1,fast:1,fast:2)
//   EFFNET_BENCH_SETS=fixtures,typical,large,mixed (default all); EFFNET_BENCH_PHOTOS=dir: that
//   folder instead of the fixtures' photos; EFFNET_BENCH_DIST=dir: that build of the site
//   needs dist-test/ (npm run build:test), the models venv, and apt-get for the real photos
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { link, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../www/serve.mjs';
import { launch } from '../tools/chromium.mjs';
import { realPhotos } from './real-photos.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const N = Number(process.argv[2]) || 200;
const CONFIGS = (process.argv[3] || 'exact:1,fast:1,fast:2').split(',').map((c) => {
  const [decode, engines] = c.split(':');
  return { decode, engines: Number(engines) || 1 };
});
const SETS = (process.env.EFFNET_BENCH_SETS || 'fixtures,typical,large,mixed').split(',');
// the page's defaults: fast decode, one single-threaded engine per core
const DEFAULTS = { decode: 'fast', engines: null };
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
// EFFNET_BENCH_PHOTOS=dir: that folder's photos instead (each classified, whatever N says)
const dir = process.env.EFFNET_BENCH_PHOTOS || join(work, 'photos');
if (SETS.includes('fixtures') && !process.env.EFFNET_BENCH_PHOTOS) {
  const made = spawnSync(join(venv, 'bin/python'), [`${repo}/tools/tagger_photos.py`, 'bench', dir, String(N)], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`making the photos failed: ${made.error ?? made.stderr}`);
}

// EFFNET_BENCH_DIST=dir: another build of the site (an older commit's, to compare)
const server = await serve({ port: 0, mounts: { '/': process.env.EFFNET_BENCH_DIST || `${repo}/dist-test` } });
const browser = await launch();

// IndexedDB puts timed in the page, from the call to the request's success
const TIME_PUTS = () => {
  window.__putMs = [];
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (...args) {
    const t0 = performance.now();
    const req = put.apply(this, args);
    req.addEventListener('success', () => window.__putMs.push(performance.now() - t0));
    return req;
  };
};

/** A folder of `n` hard links to `photos`, cycled in order (the tagger sees n different
 *  files; the driver's folder upload skips symbolic links), next to the photos: one file system. */
async function cycled(photos, n, name) {
  const folder = join(repo, 'bench/.real-photos', `run-${process.pid}-${name}`);
  await mkdir(folder, { recursive: true });
  made.push(folder);
  for (let i = 0; i < n; i++) {
    const p = photos[i % photos.length];
    await link(p.file, join(folder, `${String(i).padStart(4, '0')}-${p.name}`));
  }
  return folder;
}
const made = [];

async function runOnce({ decode, engines }, dir) {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error(`[page] ${e.message}`));
  await page.addInitScript(TIME_PUTS);
  const cdp = await browser.context.newCDPSession(page);
  await page.goto(`${server.url}/tagger/?decode=${decode}${engines ? `&engines=${engines}` : ''}`);
  // every engine started (the page is ready at the first: www/tagger/engines.js)
  await page.waitForSelector('body[data-engines]', { timeout: 120_000 });
  await page.click('#clear');
  const status = await page.textContent('#model-status');
  const threads = Number(status.match(/(\d+) threads?/)[1]);
  await page.evaluate(() => (window.__putMs = []));

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
  let shown = Date.now();
  for (;;) {
    const [state, text] = await page.evaluate(() => [document.body.dataset.state, document.querySelector('#progress-text').textContent]);
    const done = Number(text.match(/^(\d+) \//)?.[1] ?? 0);
    if (done >= next) {
      await sample(done);
      next = (Math.floor(done / EVERY) + 1) * EVERY;
    }
    if (Date.now() - shown > 10_000) {
      shown = Date.now();
      console.error(`  ${state ?? 'starting'}: ${text}`);
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
  const putMs = await page.evaluate(() => window.__putMs);
  await page.close();
  // from choosing the folder to the last stored result (the memory sampling runs alongside)
  const secs = (Math.max(...timing.map((t) => t.taggedAt)) - t0) / 1000;
  return { decode, engines: engines ?? 'auto', threads, summary, timing, putMs, secs, samples };
}

/** One set's table: images per minute and the per-stage medians of each configuration. */
function report(title, runs) {
  console.log(`\n# tagger: ${title}, ${cpus().length} cores (${cpus()[0].model.trim()}), load ${loadavg()[0].toFixed(2)} at the end`);
  const med = (xs) => (xs.length ? median(xs).toFixed(0) : '-');
  console.log(`\n| decode | engines x threads | photos | seconds | photos per minute | read ms | decode ms | preprocess ms | inference ms | thumbnail ms | store ms |`);
  console.log(`|---|---|---|---|---|---|---|---|---|---|---|`);
  for (const r of runs) {
    const t = (k) => med(r.timing.map((x) => x[k]).filter((v) => v !== undefined));
    const perEngine = r.engines === 1 ? `1 x ${r.threads}` : `${r.threads} x 1`;
    console.log(
      `| ${r.decode} | ${perEngine} | ${r.timing.length} | ${r.secs.toFixed(1)} | ${((60 * r.timing.length) / r.secs).toFixed(0)} | ${t('readMs')} | ${t('decodeMs')} | ${t('preprocessMs')} | ${t('inferenceMs')} | ${t('thumbnailMs')} | ${med(r.putMs)} |`,
    );
  }
  for (const r of runs) {
    console.log(`\n${r.decode}, ${r.engines} engine(s): ${r.summary}`);
    console.log(`| after image | page JS heap MiB | renderer RSS MiB (page + workers + wasm) | all chromium RSS MiB |`);
    console.log(`|---|---|---|---|`);
    for (const s of r.samples) console.log(`| ${s.done} | ${mib(s.jsHeap)} | ${mib(s.rssRenderers)} | ${mib(s.rssAll)} |`);
    const later = r.samples.filter((s) => s.done >= 2 * EVERY);
    if (later.length > 1) {
      const growth = (k) => mib(later.at(-1)[k] - later[0][k]);
      console.log(`growth from image ${later[0].done} to ${later.at(-1).done}: JS heap ${growth('jsHeap')} MiB, renderer RSS ${growth('rssRenderers')} MiB`);
    }
  }
}

try {
  if (SETS.includes('fixtures')) {
    const runs = [];
    for (const c of CONFIGS) runs.push(await runOnce(c, dir));
    const sizes = (await readdir(dir)).map((f) => statSync(join(dir, f)).size);
    const what = process.env.EFFNET_BENCH_PHOTOS ? `the ${sizes.length} photos of ${dir}` : `${N} photos of 4000x3000 (12 MP JPEG)`;
    report(`${what}, median ${mib(median(sizes))} MiB`, runs);
  }
  const real = SETS.some((s) => s !== 'fixtures') ? await realPhotos(join(repo, 'bench/.real-photos')) : [];
  const sets = { typical: [real.filter((p) => p.kind === 'typical'), 200], large: [real.filter((p) => p.kind === 'large'), 120], mixed: [real, 280] };
  for (const [name, [photos, n]] of Object.entries(sets)) {
    if (!SETS.includes(name)) continue;
    const folder = await cycled(photos, n, name);
    const list = photos.map((p) => `${p.name} ${mib(p.bytes)} MiB`).join(', ');
    report(`real photos, ${name}: ${list}; cycled to ${n}`, [await runOnce(DEFAULTS, folder)]);
  }
} finally {
  await browser.close();
  server.close();
  await rm(work, { recursive: true, force: true });
  for (const f of made) await rm(f, { recursive: true, force: true });
}
