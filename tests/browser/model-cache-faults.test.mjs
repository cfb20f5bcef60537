// The model cache (www/src/shared/model-cache.js) when storage misbehaves, in Chromium: a copy
// cut short on disk is found out and downloaded again, and storage that refuses the model
// (quota exceeded, as when the disk is full) costs the next visit a download, never this one
// its classifier; the demo and the tagger say it is not cached. The corrupted copy of the same
// length is the engine suite's (tests/engines/suite.mjs), in every engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from '../../www/serve.mjs';
import { harnessInChromium, mounts } from './harness-chromium.mjs';
import { firstLabel, upload } from './demo-page.mjs';

const h = harnessInChromium();
const onnxRequests = () => h.requests.filter((r) => r.url.endsWith('.onnx')).length;

/** In the page: the stored copy of `id` cut to its first half, straight in IndexedDB. */
const cutCopy = (page, id) =>
  page.evaluate(
    (id) =>
      new Promise((ok, fail) => {
        const req = indexedDB.open('effnet-wasm');
        req.onerror = () => fail(req.error);
        req.onsuccess = () => {
          const tx = req.result.transaction('blobs', 'readwrite');
          const store = tx.objectStore('blobs');
          const get = store.get(id);
          get.onsuccess = () => store.put(get.result.slice(0, get.result.byteLength >> 1), id);
          tx.oncomplete = () => (req.result.close(), ok());
          tx.onerror = () => fail(tx.error);
        };
      }),
    id,
  );

const loadCoffee = (page) =>
  page.evaluate(async () => {
    const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
    const r = await clf.classify(await fixture('coffee.png'));
    clf.dispose();
    return { label: r.categories[0].label, load: clf.load, cached: (await effnet.ModelCache.list()).map((c) => `${c.id} ${c.bytes}`) };
  });

test('a cached model cut short on disk is found out, downloaded again and stored whole', async () => {
  const page = await h.open();
  await page.evaluate(() => effnet.ModelCache.clear());
  const first = await loadCoffee(page);
  assert.deepEqual(first.load, { cached: false, stored: true, bytes: first.load.bytes });
  await cutCopy(page, 'efficientnet-lite0');
  const before = onnxRequests();
  const again = await loadCoffee(page);
  assert.equal(again.label, 'espresso');
  assert.deepEqual(again.load, { cached: false, stored: true, bytes: first.load.bytes }, 'downloaded, not read from the cut copy');
  assert.equal(onnxRequests() - before, 1, 'fetched again once');
  assert.deepEqual(again.cached, [`efficientnet-lite0 ${first.load.bytes}`], 'stored whole');
  const third = await loadCoffee(page);
  assert.equal(third.load.cached, true, 'the next start reads the new copy');
  assert.equal(onnxRequests() - before, 1);
  await page.close();
});

test('storage full: the model classifies for the visit, is not cached, the demo and the tagger say so; the next visit downloads it again', async () => {
  // an origin of its own, with a quota smaller than the model (18.5 MB), as a full disk gives
  const s = await serve({ port: 0, mounts });
  try {
    const page = await h.browser.context.newPage();
    const cdp = await h.browser.context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: s.url, quotaSize: 2 * 1024 * 1024 });
    const before = onnxRequests();
    await page.goto(`${s.url}/harness.html`);
    await page.waitForFunction(() => window.ready === true);
    const lib = await loadCoffee(page);
    console.log(`quota 2 MB: ${JSON.stringify(lib)}`);
    assert.equal(lib.label, 'espresso');
    assert.deepEqual(lib.load, { cached: false, stored: false, bytes: lib.load.bytes });
    assert.deepEqual(lib.cached, []);

    await page.goto(`${s.url}/index.html`);
    await page.waitForFunction(() => document.querySelector('#backend').textContent !== '', null, { timeout: 60_000 });
    await upload(page, ['coffee.png']);
    assert.equal(await firstLabel(page, 'coffee.png'), 'espresso');
    const info = await page.textContent('#model-info');
    console.log(`demo: ${info}`);
    assert.match(info, /Loaded, but not cached: this browser refused to store it \(storage full or private browsing\), so the next visit downloads it again$/);

    await page.goto(`${s.url}/tagger/`);
    await page.waitForSelector('body[data-model="ready"]', { timeout: 60_000 });
    const status = await page.textContent('#model-status');
    console.log(`tagger: ${status}`);
    assert.match(status, /^Model ready: .*\. Not cached: this browser refused to store the model, so the next visit downloads it again\./);
    // every engine of the tagger downloads it too (one per core): none has a cache to read
    await page.waitForSelector('body[data-engines]', { timeout: 60_000 });
    const engines = Number(await page.getAttribute('body', 'data-engines'));
    assert.equal(onnxRequests() - before, 2 + engines, `each visit downloaded the model (the tagger once per engine, ${engines})`);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: s.url });
    await page.close();
  } finally {
    s.close();
  }
});
