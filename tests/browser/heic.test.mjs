// HEIC in headless chromium, which does not decode HEIC itself: the library's classify of a
// HEIC Blob and the tagger tagging a folder with HEIC photos, both through the HEIC module
// (www/pkg/heic/heic.wasm), requested only once a HEIC appears. The fixtures are the repo's
// photos as HEIC (tests/fixtures/heic/: one coded picture, a 2x2 grid, two stored turned
// with irot); each is tagged as its source photo is, upright.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { harnessInChromium } from './harness-chromium.mjs';
import { repo, search, tagFolder, taggerSession, testPrivacy } from './tagger-fixture.mjs';

const fixtures = JSON.parse(await readFile(new URL('../fixtures/heic/heic.json', import.meta.url), 'utf8'));
delete fixtures._made_with;
const reference = JSON.parse(await readFile(new URL('../fixtures/reference.json', import.meta.url), 'utf8'));
const top1 = (f) => reference['efficientnet-lite0'].images[f.source].top5[0][0];
const heicRequests = (requests) => requests.filter((r) => r.url.endsWith('.wasm') && /heic/.test(r.url)).length;

const h = harnessInChromium();

test('classify of HEIC Blobs: the source photos\' top-1, upright; the HEIC module fetched once, after the first HEIC', async () => {
  const page = await h.open();
  const before = h.requests.length;
  const png = await page.evaluate(async () => {
    window.clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
    return (await clf.classify(await fixture('coffee.png'))).categories[0].index;
  });
  assert.equal(png, 967);
  assert.equal(heicRequests(h.requests.slice(before)), 0, 'no HEIC module before a HEIC');
  const out = await page.evaluate(async (names) => {
    const res = {};
    for (const name of names) {
      const blob = await fixture(`heic/${name}`);
      for (const decode of ['exact', 'fast']) {
        const r = await clf.classify(new File([blob], name), { decode, thumbnailWidth: 240 });
        const bm = await createImageBitmap(r.thumbnail);
        res[`${name} ${decode}`] = { top: r.categories[0].index, label: r.categories[0].label, w: bm.width, h: bm.height, decodeMs: r.timing.decodeMs };
      }
    }
    let error;
    try {
      await clf.classify(new File(['Not a photo at all\n'], 'baboon.heic'));
    } catch (e) {
      error = { code: e.code, message: e.message };
    }
    res.error = error;
    clf.dispose();
    return res;
  }, Object.keys(fixtures));
  console.log(out);
  assert.equal(heicRequests(h.requests.slice(before)), 1, 'the HEIC module fetched once');
  for (const [name, f] of Object.entries(fixtures)) {
    for (const decode of ['exact', 'fast']) {
      const r = out[`${name} ${decode}`];
      assert.equal(r.top, top1(f), `${name} ${decode}: ${r.label}`);
      assert.deepEqual([r.w, r.h], [240, Math.round((240 * f.height) / f.width)], `${name} upright`);
    }
  }
  assert.equal(out.error.code, 'BAD_IMAGE');
  assert.equal(out.error.message.split('baboon.heic').length, 2, out.error.message);
  assert.match(out.error.message, /this is a text file, not an image this app can open/);
  await page.close();
});

const t = taggerSession({
  setup: async (t) => {
    t.heic = join(t.work, 'iphone');
    await mkdir(t.heic);
    for (const name of Object.keys(fixtures)) await copyFile(`${repo}/tests/fixtures/heic/${name}`, join(t.heic, name));
    await copyFile(`${repo}/tests/fixtures/coffee.png`, join(t.heic, 'coffee.png'));
    await writeFile(join(t.heic, 'IMG_0002.HEIC'), 'Not a photo at all\n');
  },
});

test('the tagger tags a folder of HEIC photos as their sources, and says in words why a broken one failed', async () => {
  const page = await t.openTagger();
  const summary = await tagFolder(page, t.heic);
  console.log(summary);
  const failures = await page.$$eval('#failures li', (lis) => lis.map((l) => l.textContent));
  assert.equal(failures.length, 1, failures.join(' | '));
  // the path once, then the reason in words
  assert.match(failures[0], /^iphone\/IMG_0002\.HEIC: this is a text file, not an image this app can open \(it opens JPEG, PNG, WebP, GIF, HEIC/);
  const cats = await search(page, 'cat');
  assert.ok(cats.some((c) => c.path === 'iphone/chelsea-rot.heic'), JSON.stringify(cats));
  const all = await search(page, '');
  for (const [name, f] of Object.entries(fixtures)) {
    const card = all.find((c) => c.path === `iphone/${name}`);
    const want = reference['efficientnet-lite0'].images[f.source].top5[0][1].split(', ')[0];
    assert.equal(card?.label, want, `${name}: ${JSON.stringify(card)}`);
  }
  await page.close();
});

testPrivacy(t);
