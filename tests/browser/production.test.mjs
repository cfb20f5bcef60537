// The site `npm run build` ships (webpack --env production: minified, no source maps, no test
// harness, the models under models/), built into a temporary folder and served alone: nothing
// from the repository's models/ or dist-test/. The demo classifies with the threads the cores
// allow, the tagger tags, and both work offline from the service worker after one visit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';
import config from '../../webpack.config.js';
import { serve } from '../../www/serve.mjs';
import { launch, recordRequests } from '../../tools/chromium.mjs';
import { checkDemoThreads, firstLabel, upload } from './demo-page.mjs';
import { assertStayedOnOrigins } from './request-log.mjs';
import { controlledVersion, goOffline } from './service-worker.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = `${repo}/tests/fixtures`;
const reference = JSON.parse(await readFile(`${fixtures}/reference.json`, 'utf8'))['efficientnet-lite0'].images;
const PHOTOS = Object.keys(reference);

let browser, requests, work, dist;
const origins = [];
const servers = [];
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'effnet-production-'));
  dist = join(work, 'dist');
  const t0 = Date.now();
  await new Promise((ok, fail) =>
    webpack(config({ production: true, out: dist }), (err, stats) => (err || stats.hasErrors() ? fail(err ?? new Error(stats.toString('errors-only'))) : ok())),
  );
  console.log(`production build: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  browser = await launch();
  requests = recordRequests(browser.context);
});
after(async () => {
  await browser?.context.setOffline(false);
  await browser?.close();
  for (const s of servers) s.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The built folder alone, at its own origin (its own service worker and caches). */
async function server() {
  const s = await serve({ port: 0, mounts: { '/': dist, '/models/': join(dist, 'models') } });
  origins.push(s.url);
  servers.push(s);
  return s;
}

async function openDemo(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('#backend').textContent !== '', null, { timeout: 60_000 });
}

test('the build is the shipped site: pages, service worker, the four wasm builds and the HEIC module, the available models; no harness, no source maps', async () => {
  const top = await readdir(dist);
  for (const f of ['index.html', 'demo.js', 'sw.js', 'tagger', 'models']) assert.ok(top.includes(f), `${f} in dist/`);
  assert.ok(!top.includes('harness.js') && !top.includes('harness.html'), 'no test harness');
  const assets = await readdir(join(dist, 'assets'));
  const engines = assets.filter((a) => /^effnet_bg\.[0-9a-f]{8}\.wasm$/.test(a));
  assert.equal(engines.length, 4, `four wasm builds: ${engines}`);
  // and the HEIC decoder, fetched only when a HEIC appears
  assert.equal(assets.filter((a) => /^heic\.[0-9a-f]{8}\.wasm$/.test(a)).length, 1, `the HEIC module: ${assets}`);
  const all = [...top, ...assets, ...(await readdir(join(dist, 'tagger')))];
  assert.deepEqual(all.filter((f) => f.endsWith('.map')), [], 'no source maps');
  const manifest = JSON.parse(await readFile(join(dist, 'models/manifest.json'), 'utf8'));
  const files = await readdir(join(dist, 'models'));
  // every model built here is in dist/ (the default one as a hashed asset); Lite0 at least
  const built = manifest.models.filter((m) => files.includes(m.file) || assets.some((a) => a.startsWith(`${m.file.replace(/\.onnx$/, '')}.`)));
  assert.ok(built.some((m) => m.id === 'efficientnet-lite0'), 'Lite0 ships');
  console.log(`dist/: ${built.length} models (${built.map((m) => m.id).join(', ')})`);
});

test('demo: every fixture photo gets the reference top-1 with the threads the cores allow; offline after one visit', async () => {
  const s = await server();
  const page = await browser.context.newPage();
  await openDemo(page, `${s.url}/index.html`);
  await checkDemoThreads(page);
  await upload(page, PHOTOS);
  for (const name of PHOTOS) assert.equal(await firstLabel(page, name), reference[name].top5[0][1], name);
  assert.match(await controlledVersion(page), /^[0-9a-f]{16}$/);

  await goOffline(browser.context, s);
  await openDemo(page, `${s.url}/index.html`);
  await upload(page, ['coffee.png']);
  assert.equal(await firstLabel(page, 'coffee.png'), reference['coffee.png'].top5[0][1], 'offline');
  await checkDemoThreads(page);
  await page.close();
  await browser.context.setOffline(false);
});

test('tagger: a folder is tagged with the reference top-1; offline after one visit', async () => {
  const s = await server();
  const folder = join(work, 'photos');
  await mkdir(folder);
  for (const p of PHOTOS) await copyFile(`${fixtures}/${p}`, join(folder, p));
  const page = await browser.context.newPage();
  const tag = async () => {
    await page.waitForSelector('body[data-model="ready"]', { timeout: 60_000 });
    await page.setInputFiles('#folder-input', folder);
    await page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 120_000 });
    const cards = await page.$$eval('#grid .photo', (bs) => bs.map((b) => ({ path: b.dataset.path, label: b.querySelector('.label').textContent })));
    for (const p of PHOTOS) assert.equal(cards.find((c) => c.path.endsWith(`/${p}`))?.label, reference[p].top5[0][1], p);
  };
  await page.goto(`${s.url}/tagger/`);
  await tag();
  await controlledVersion(page);

  await goOffline(browser.context, s);
  await page.reload();
  await tag();
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  await page.close();
  await browser.context.setOffline(false);
});

test('privacy: every request stayed on the page origin and carried no body', () => assertStayedOnOrigins(requests, origins));
