// Offline after the first visit (www/offline/): the demo and the tagger are used once online,
// then the network goes (Playwright's setOffline, and the server itself is shut down), the page
// is reloaded and classifies the fixture photos with the reference top-1, still cross-origin
// isolated with its threads. A rebuilt app (another version) replaces the cached one on the
// next reload. Prints the time of a working offline reload (reload -> first result).
// Needs `npx webpack --env out=dist-test` first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';
import config from '../../webpack.config.js';
import { serve } from '../../www/serve.mjs';
import { launch, recordRequests } from '../../tools/chromium.mjs';
import { checkDemoThreads, firstLabel, upload } from './demo-page.mjs';
import { assertStayedOnOrigins } from './request-log.mjs';
import { controlledVersion, goOffline, shellCaches } from './service-worker.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = `${repo}/tests/fixtures`;
const reference = JSON.parse(await readFile(`${fixtures}/reference.json`, 'utf8'))['efficientnet-lite0'].images;
const PHOTOS = Object.keys(reference);

let browser, requests, work;
const origins = [];
const servers = [];
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'effnet-offline-'));
  browser = await launch();
  requests = recordRequests(browser.context);
});
after(async () => {
  await browser?.context.setOffline(false);
  await browser?.close();
  for (const s of servers) s.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A server of its own per test: its own origin, so its own service worker and caches. */
async function server(root = `${repo}/dist-test`) {
  const s = await serve({ port: 0, mounts: { '/': root } });
  origins.push(s.url);
  servers.push(s);
  return s;
}

async function openDemo(page, url) {
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('#backend').textContent !== '', null, { timeout: 60_000 });
}


test('demo, first visit: one bar for the wasm and the model; the cache panel shows the storage and asks for persistence at the second model', async () => {
  const s = await server();
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    // every text the bar shows, and the page's calls of persist() (the browser's own still runs)
    window.progressSeen = [];
    document.addEventListener('DOMContentLoaded', () =>
      new MutationObserver(() => window.progressSeen.push(document.querySelector('#progress-text').textContent)).observe(document.querySelector('#progress-text'), { childList: true, characterData: true, subtree: true }),
    );
    window.persistCalls = 0;
    const persist = navigator.storage.persist.bind(navigator.storage);
    navigator.storage.persist = () => (window.persistCalls++, persist());
  });
  await openDemo(page, `${s.url}/index.html`);
  const seen = await page.evaluate(() => window.progressSeen);
  const build = (await checkDemoThreads(page)) > 1 ? 'simd-threads-relaxed' : 'simd-relaxed';
  const wasmBytes = JSON.parse(await readFile(`${repo}/www/pkg/${build}/integrity.json`, 'utf8')).bytes;
  const lite0 = JSON.parse(await readFile(`${repo}/models/manifest.json`, 'utf8')).models.find((m) => m.id === 'efficientnet-lite0').bytes;
  const both = `${((wasmBytes + lite0) / 1e6).toFixed(1)} MB`;
  const downloads = seen.filter((t) => t.startsWith('Downloading'));
  console.log(`first visit: ${downloads.length} bar texts, the first ${downloads[0]}, the last ${downloads.at(-1)}`);
  assert.ok(downloads.length > 2 && downloads.every((t) => t.endsWith(`of ${both} (${t.match(/\((\d+)%\)$/)?.[1]}%)`)), `one bar over wasm + model (${both}): ${downloads.join(' | ')}`);
  const percents = downloads.map((t) => Number(t.match(/\((\d+)%\)$/)[1]));
  assert.deepEqual(percents, [...percents].sort((a, b) => a - b), 'the bar only grows');
  assert.equal(percents.at(-1), 100);

  const storage = async () => {
    await page.waitForFunction(() => /This site stores/.test(document.querySelector('#storage').textContent), null, { timeout: 30_000 });
    const text = await page.textContent('#storage');
    return { text, usedMb: Number(text.match(/stores ([\d.]+) MB of the ([\d.]+) MB/)[1]) };
  };
  const one = await storage();
  console.log(`one model cached: ${one.text}`);
  assert.ok(one.usedMb > 18, 'the model (18.5 MB) and the wasm count in the usage');
  assert.equal(await page.evaluate(() => window.persistCalls), 0, 'no persist() for one model');
  await page.selectOption('#model', 'efficientnet-lite0-fp16');
  await page.waitForFunction(() => /9\.3 MB download.*✓ cached/.test(document.querySelector('#model-info').textContent), null, { timeout: 60_000 });
  const two = await storage();
  console.log(`two models cached: ${two.text}`);
  assert.ok(two.usedMb > one.usedMb + 9, `${two.usedMb} MB after ${one.usedMb} MB and a 9.3 MB model`);
  assert.equal(await page.evaluate(() => window.persistCalls), 1, 'persist() asked for once');
  assert.match(two.text, /Persistent storage|persistent storage was asked for and not granted/);
  await page.close();
});

test('demo: visited once, then offline: the reload classifies every fixture photo with the reference top-1, isolated, with its threads', async () => {
  const s = await server();
  const page = await browser.context.newPage();
  await openDemo(page, `${s.url}/index.html`);
  const version = await controlledVersion(page);
  assert.match(version, /^[0-9a-f]{16}$/);
  assert.deepEqual(await shellCaches(page), [`effnet-shell-${version}`]);
  // the engine and the model are in their own caches, not the service worker's
  const stored = await page.evaluate(async () => ({
    shell: (await (await caches.open((await caches.keys()).find((k) => k.startsWith('effnet-shell-')))).keys()).map((r) => new URL(r.url).pathname),
    runtime: (await (await caches.open('effnet-wasm-runtime')).keys()).map((r) => new URL(r.url).pathname),
  }));
  assert.ok(stored.shell.includes('/index.html') && stored.shell.includes('/demo.js'), stored.shell.join(' '));
  assert.deepEqual(stored.shell.filter((p) => /\.(wasm|onnx)$/.test(p)), [], 'no wasm or model in the service worker cache');
  assert.equal(stored.runtime.length, 1, `one wasm build in the runtime cache: ${stored.runtime}`);

  await goOffline(browser.context, s);
  const since = requests.length;
  const t0 = Date.now();
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#backend').textContent !== '', null, { timeout: 60_000 });
  const ready = Date.now() - t0;
  await upload(page, ['coffee.png']);
  const first = Date.now() - t0;
  console.log(`offline reload: classifier ready ${ready} ms, first classification result ${first} ms after the reload began`);
  assert.equal(await firstLabel(page, 'coffee.png'), reference['coffee.png'].top5[0][1]);
  await upload(page, PHOTOS.filter((p) => p !== 'coffee.png'));
  for (const name of PHOTOS) assert.equal(await firstLabel(page, name), reference[name].top5[0][1], name);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'crossOriginIsolated offline');
  await checkDemoThreads(page);
  assert.match(await page.textContent('#model-info'), /✓ cached/);
  const failed = requests.slice(since).filter((r) => !r.url.startsWith('blob:'));
  console.log(`requests while offline (answered by the service worker or failed): ${failed.length}`);
  await page.close();
  await browser.context.setOffline(false);
});

test('tagger: visited once, then offline: the reload tags photos with the reference top-1', async () => {
  const s = await server();
  const folder = join(work, 'photos');
  await mkdir(folder);
  const tagged = ['coffee.png', 'chelsea.png'];
  for (const p of tagged) await copyFile(`${fixtures}/${p}`, join(folder, p));
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  await page.goto(`${s.url}/tagger/`);
  await page.waitForSelector('body[data-model="ready"]', { timeout: 60_000 });
  await controlledVersion(page);

  await goOffline(browser.context, s);
  const t0 = Date.now();
  await page.reload();
  await page.waitForSelector('body[data-model="ready"]', { timeout: 60_000 });
  console.log(`tagger offline reload: model ready ${Date.now() - t0} ms after the reload began (${await page.textContent('#model-status')})`);
  await page.setInputFiles('#folder-input', folder);
  await page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 120_000 });
  const cards = await page.$$eval('#grid .photo', (bs) => bs.map((b) => ({ path: b.dataset.path, label: b.querySelector('.label').textContent })));
  console.log(cards.map((c) => `${c.path}: ${c.label}`).join(', '));
  for (const p of tagged) {
    const card = cards.find((c) => c.path.endsWith(`/${p}`));
    assert.ok(card, `${p} tagged`);
    assert.equal(card.label, reference[p].top5[0][1], p);
  }
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  await page.close();
  await browser.context.setOffline(false);
});

/** The app built again into `out` with a visible change to the demo page: a new release. */
function rebuild(out) {
  const cfg = config({ out });
  cfg.plugins.push({
    apply(compiler) {
      compiler.hooks.thisCompilation.tap('Release2', (compilation) => {
        const stage = compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONS;
        compilation.hooks.processAssets.tap({ name: 'Release2', stage }, () => {
          compilation.updateAsset('index.html', (old) => new compiler.webpack.sources.RawSource(old.source().toString().replace('<footer class="muted">', '<footer class="muted"><span id="release">release 2</span> ')));
        });
      });
    },
  });
  return new Promise((ok, fail) =>
    webpack(cfg, (err, stats) => (err || stats.hasErrors() ? fail(err ?? new Error(stats.toString('errors-only'))) : ok())),
  );
}

test('a new build replaces the cached one: the reload after it is fetched shows the new version, offline too', async () => {
  const v2 = join(work, 'v2');
  await rebuild(v2);
  const current = join(work, 'current');
  await symlink(`${repo}/dist-test`, current);
  const s = await server(current);
  const page = await browser.context.newPage();
  await openDemo(page, `${s.url}/index.html`);
  const first = await controlledVersion(page);

  // the server now has the new build: the next navigation fetches its sw.js, which installs
  await unlink(current);
  await symlink(v2, current);
  await openDemo(page, `${s.url}/index.html`);
  assert.equal(await page.locator('#release').count(), 0, 'this reload is still served by the cached version');
  const deadline = Date.now() + 60_000;
  let caches;
  let checks = 0;
  for (let i = 1; Date.now() < deadline; i++) {
    caches = await shellCaches(page);
    if (caches.length === 1 && caches[0] !== `effnet-shell-${first}`) break;
    // an install that failed (a request failed on the loaded CI machine) is tried again at the
    // browser's next update check, as a user's next navigation would make one
    if (i % 25 === 0) {
      checks++;
      await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()).catch(() => {}));
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (checks) console.log(`the new version took ${checks} update checks after the reload`);
  assert.equal(caches.length, 1, `only the new cache is left: ${caches}`);
  assert.notEqual(caches[0], `effnet-shell-${first}`);

  await openDemo(page, `${s.url}/index.html`);
  const second = await controlledVersion(page);
  console.log(`version ${first} replaced by ${second}`);
  assert.equal(caches[0], `effnet-shell-${second}`);
  assert.equal(await page.textContent('#release'), 'release 2');

  await goOffline(browser.context, s);
  await openDemo(page, `${s.url}/index.html`);
  assert.equal(await page.textContent('#release'), 'release 2', 'offline: the new version');
  await upload(page, ['coffee.png']);
  assert.equal(await firstLabel(page, 'coffee.png'), reference['coffee.png'].top5[0][1]);
  await page.close();
  await browser.context.setOffline(false);
});

test('privacy: every request stayed on the page origin and carried no body', () => assertStayedOnOrigins(requests, origins));
