// What a classifier's start downloads and keeps, in headless chromium on the harness page:
// onProgress from a cold start (the wasm and the model, each with its bytes, and their total),
// ModelCache.has before and after, and `cacheRuntime: true` (the wasm in the Cache API,
// checked against its integrity.json: a corrupted copy is replaced, a wrong download is
// RUNTIME_INTEGRITY). Needs `npx webpack --env out=dist-test` first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../../www/serve.mjs';
import { harnessInChromium, mounts, repo } from './harness-chromium.mjs';
import { autoThreads, pageCores } from './auto-threads.mjs';

const manifest = JSON.parse(await readFile(`${repo}/models/manifest.json`, 'utf8'));
const lite0 = manifest.models.find((m) => m.id === 'efficientnet-lite0');
const integrity = async (build) => JSON.parse(await readFile(`${repo}/www/pkg/${build}/integrity.json`, 'utf8'));

const h = harnessInChromium();
let work;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'effnet-runtime-'));
});
after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** create() with every progress event recorded; the classifier's load, backend and espresso check. */
const createRecorded = (page, options) =>
  page.evaluate(async (options) => {
    const events = [];
    const clf = await effnet.ImageClassifier.create({ ...options, onProgress: (e) => events.push(e) });
    const top = (await clf.classify(await fixture('coffee.png'))).categories[0].label;
    const out = { events, load: clf.load, backend: clf.backend, top };
    clf.dispose();
    return out;
  }, options);

/** Per resource: loadedBytes never decreases; the total's loaded bytes never decrease, its size never changes. */
function checkMonotone(events) {
  const last = {};
  let total = null;
  for (const e of events) {
    assert.ok(e.loadedBytes >= (last[e.resource] ?? 0), `${e.resource} went back: ${JSON.stringify(e)}`);
    assert.ok(e.loadedBytes <= e.totalBytes, JSON.stringify(e));
    last[e.resource] = e.loadedBytes;
    if (total) {
      assert.ok(e.total.loadedBytes >= total.loadedBytes, `total went back: ${JSON.stringify(e)}`);
      assert.equal(e.total.totalBytes, total.totalBytes, 'the total size is fixed from the first event');
    }
    total = e.total;
  }
  return total;
}

test('a cold start reports the wasm and the model with their bytes, and a total that ends at their sum', async () => {
  const page = await h.open();
  assert.equal(await page.evaluate(() => effnet.ModelCache.has('efficientnet-lite0')), false, 'has() on a fresh profile');
  const { events, backend, top } = await createRecorded(page, { model: 'efficientnet-lite0' });
  assert.equal(top, 'espresso');
  assert.deepEqual([...new Set(events.map((e) => e.resource))].sort(), ['model', 'wasm']);
  const wasm = events.filter((e) => e.resource === 'wasm');
  const model = events.filter((e) => e.resource === 'model');
  console.log(`${events.length} events: ${wasm.length} wasm (${backend.build}), ${model.length} model; phases ${[...new Set(events.map((e) => `${e.resource}:${e.phase}`))].join(' ')}`);
  assert.ok(wasm.length > 1 && model.filter((e) => e.phase === 'download').length > 1, 'streamed: several download events each');
  const total = checkMonotone(events);
  // the sizes the bytes came to are the recorded ones: the build's integrity.json, the manifest's
  assert.equal(wasm.at(-1).loadedBytes, (await integrity(backend.build)).bytes);
  assert.equal(model.filter((e) => e.phase === 'download').at(-1).loadedBytes, lite0.bytes);
  assert.equal(total.totalBytes, wasm.at(-1).totalBytes + model.at(-1).totalBytes);
  assert.equal(total.loadedBytes, total.totalBytes);
  assert.deepEqual(model.map((e) => e.phase).filter((p, i, a) => p !== a[i - 1]), ['download', 'compile', 'ready']);
  assert.ok(!events.some((e) => e.cached), 'nothing came from a cache');
  assert.equal(await page.evaluate(() => effnet.ModelCache.has('efficientnet-lite0')), true, 'has() after the first create');
  assert.equal(await page.evaluate(() => effnet.ModelCache.has('efficientnet-lite1')), false, 'has() of a model never loaded');
  await page.evaluate(() => effnet.ModelCache.delete('efficientnet-lite0'));
  assert.equal(await page.evaluate(() => effnet.ModelCache.has('efficientnet-lite0')), false, 'has() after delete');
  await page.close();
});

const wasmFetches = (since) => h.requests.slice(since).filter((r) => r.url.endsWith('.wasm')).length;

test('cacheRuntime: the first start downloads and keeps the wasm, the next reads it from the Cache API', async () => {
  const page = await h.open();
  let since = h.requests.length;
  const first = await createRecorded(page, { cacheRuntime: true });
  assert.equal(first.top, 'espresso');
  assert.equal(wasmFetches(since), 1);
  assert.ok(!first.events.some((e) => e.resource === 'wasm' && e.cached));
  const kept = await page.evaluate(async () => (await (await caches.open('effnet-wasm-runtime')).keys()).length);
  assert.equal(kept, 1);

  since = h.requests.length;
  const second = await createRecorded(page, { cacheRuntime: true });
  assert.equal(second.top, 'espresso');
  assert.equal(wasmFetches(since), 0, 'no wasm request');
  const wasm = second.events.filter((e) => e.resource === 'wasm');
  assert.equal(wasm.length, 1);
  assert.equal(wasm[0].cached, true);
  assert.equal(wasm[0].loadedBytes, (await integrity(second.backend.build)).bytes);
  assert.equal(second.events.find((e) => e.resource === 'model').cached, true, 'the model from IndexedDB');
  const total = checkMonotone(second.events);
  assert.equal(total.loadedBytes, total.totalBytes);

  // a corrupted copy (same size, one byte changed) fails the sha256 check: downloaded again, and replaced
  await page.evaluate(async () => {
    const cache = await caches.open('effnet-wasm-runtime');
    const [req] = await cache.keys();
    const good = await cache.match(req);
    const bytes = new Uint8Array(await good.arrayBuffer());
    bytes[bytes.length >> 1] ^= 0xff;
    await cache.put(req, new Response(bytes, { headers: good.headers }));
  });
  since = h.requests.length;
  const third = await createRecorded(page, { cacheRuntime: true });
  assert.equal(third.top, 'espresso');
  assert.equal(wasmFetches(since), 1, 'the corrupted copy was downloaded again');
  since = h.requests.length;
  await createRecorded(page, { cacheRuntime: true });
  assert.equal(wasmFetches(since), 0, 'and the good copy replaced it');
  await page.close();
});

test('cacheRuntime: a served wasm that is not the build recorded is RUNTIME_INTEGRITY, naming the file; bad options are BAD_OPTIONS', async () => {
  // the same site, but every wasm one byte changed (same size): as a tampered or stale deploy
  const assets = join(work, 'assets');
  await mkdir(assets);
  for (const name of await readdir(`${repo}/dist-test/assets`)) {
    if (!name.endsWith('.wasm')) {
      await symlink(`${repo}/dist-test/assets/${name}`, join(assets, name));
      continue;
    }
    const bytes = await readFile(`${repo}/dist-test/assets/${name}`);
    bytes[bytes.length >> 1] ^= 0xff;
    await writeFile(join(assets, name), bytes);
  }
  const tampered = await serve({ port: 0, mounts: { ...mounts, '/assets/': assets } });
  try {
    const page = await h.open(tampered);
    // the build this machine's cores select (auto-threads.mjs: one core runs simd-relaxed)
    const build = `simd${autoThreads(await pageCores(page)) > 1 ? '-threads' : ''}-relaxed`;
    const err = await page.evaluate(() =>
      effnet.ImageClassifier.create({ cacheRuntime: true }).then(
        () => null,
        (e) => ({ code: e.code, message: e.message, isEffnet: e instanceof effnet.EffnetError }),
      ),
    );
    console.log(err?.message);
    assert.ok(err, 'create() rejected');
    assert.equal(err.isEffnet, true);
    assert.equal(err.code, 'RUNTIME_INTEGRITY');
    assert.match(err.message, new RegExp(`/assets/effnet_bg\\.[0-9a-f]{8}\\.wasm: sha256 [0-9a-f]{64} does not match the build's [0-9a-f]{64} \\(${build}/integrity\\.json\\)`));
    assert.equal(await page.evaluate(async () => (await (await caches.open('effnet-wasm-runtime')).keys()).length), 0, 'nothing admitted to the cache');
    const bad = await page.evaluate(() => effnet.ImageClassifier.create({ cacheRuntime: 'yes' }).catch((e) => `${e.code}: ${e.message}`));
    assert.equal(bad, 'BAD_OPTIONS: cacheRuntime must be true or false, not yes');
    await page.close();
  } finally {
    tampered.close();
  }
});
