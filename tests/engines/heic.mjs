// HEIC in one engine (heicSuite(engine), called by the engine suite): the library's classify
// of HEIC Blobs and the tagger's "Choose photos…" with HEIC files, each fixture
// (tests/fixtures/heic/: the repo's photos as one coded picture, a 2x2 grid, two stored
// turned with irot) tagged as its source photo, upright. Where the engine decodes HEIC itself
// (Safari) the browser does it; elsewhere the HEIC module, fetched once, only after a HEIC.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { serve } from '../../www/serve.mjs';
import { hooks, launchBrowser, missing } from '../../tools/browsers.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = JSON.parse(await readFile(`${repo}/tests/fixtures/heic/heic.json`, 'utf8'));
delete fixtures._made_with;
const reference = JSON.parse(await readFile(`${repo}/tests/fixtures/reference.json`, 'utf8'))['efficientnet-lite0'].images;
const top1 = (f) => reference[f.source].top5[0];

/** @param {'chromium'|'firefox'|'webkit'} engine */
export function heicSuite(engine) {
  describe(`${engine}: HEIC photos`, () => heic(engine));
}

function heic(engine) {
  const s = { browser: null, server: null, log: [] };
  before(async () => {
    const why = missing(engine);
    assert.equal(why, null, why);
    const mounts = { '/': `${repo}/dist-test`, '/fixtures/': `${repo}/tests/fixtures` };
    s.server = await serve({ port: 0, mounts, inject: hooks, log: (_, r) => s.log.push(r.url) });
    s.browser = await launchBrowser(engine);
  });
  after(async () => {
    await s.browser?.close();
    s.server?.close();
  });
  const moduleRequests = () => s.log.filter((u) => /heic[^/]*\.wasm$/.test(u)).length;

  test(`${engine}: classify of HEIC Blobs gives each source photo's top-1, upright; the HEIC module only once a HEIC appears`, async () => {
    const page = await s.browser.newPage();
    await page.goto(`${s.server.url}/harness.html`);
    await page.waitForFunction(() => window.ready === true, null, { timeout: 120_000 });
    const own = await page.evaluate(async () => {
      window.clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
      await clf.classify(await fixture('coffee.png'));
      // whether this engine decodes HEIC itself (the worker asks the same of createImageBitmap)
      return createImageBitmap(await fixture('heic/coffee.heic')).then(
        (b) => `${b.width}x${b.height}`,
        (e) => `no (${e.name})`,
      );
    });
    console.log(`${engine}: its own createImageBitmap of a HEIC: ${own}`);
    assert.equal(moduleRequests(), 0, 'no HEIC module before a HEIC');
    const out = await page.evaluate(async (names) => {
      const res = {};
      for (const name of names) {
        const r = await clf.classify(new File([await fixture(`heic/${name}`)], name), { decode: 'fast', thumbnailWidth: 240 });
        const bm = await createImageBitmap(r.thumbnail);
        res[name] = { top: r.categories[0].index, label: r.categories[0].label, w: bm.width, h: bm.height, decodeMs: Math.round(r.timing.decodeMs) };
      }
      clf.dispose();
      return res;
    }, Object.keys(fixtures));
    console.log(`${engine}:`, out);
    for (const [name, f] of Object.entries(fixtures)) {
      assert.equal(out[name].top, top1(f)[0], `${name}: ${out[name].label}`);
      assert.deepEqual([out[name].w, out[name].h], [240, Math.round((240 * f.height) / f.width)], `${name} upright`);
    }
    assert.equal(moduleRequests(), own.startsWith('no') ? 1 : 0, 'the HEIC module fetched once where the engine has no HEIC decoder');
    assert.deepEqual(await page.errors(), []);
    await page.close();
  });

  test(`${engine}: the tagger's "Choose photos…" tags HEIC files as their source photos`, async () => {
    const page = await s.browser.newPage();
    await page.goto(`${s.server.url}/tagger/`);
    await page.waitForFunction(() => document.body?.dataset.model === 'ready', null, { timeout: 120_000 });
    await page.setInputFiles('#files-input', Object.keys(fixtures).map((n) => `${repo}/tests/fixtures/heic/${n}`));
    await page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 240_000 });
    const cards = await page.evaluate(() => [...document.querySelectorAll('#grid .photo')].map((b) => [b.dataset.path, b.querySelector('.label').textContent]));
    console.log(`${engine}: ${await page.textContent('#summary')}`, cards);
    for (const [name, f] of Object.entries(fixtures)) {
      assert.equal(Object.fromEntries(cards)[name], top1(f)[1].split(', ')[0], name);
    }
    assert.deepEqual(await page.errors(), []);
    await page.close();
  });
}
