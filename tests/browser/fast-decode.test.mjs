// decode: 'fast' in headless chromium (the harness bundle; `npm run build:test` first): a
// Blob JPEG goes to the wasm's scaled decode in the worker, so the probabilities are those of
// PIL's draft reference (tests/fixtures/jpeg/draft/), with both the threaded and the
// single-threaded build; the exact decode of the same blob is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { harnessInChromium } from './harness-chromium.mjs';

const draft = JSON.parse(await readFile(new URL('../fixtures/jpeg/draft/draft.json', import.meta.url), 'utf8'));
const h = harnessInChromium();

for (const threads of [2, 1]) {
  test(`${threads} thread(s): Blob JPEGs with decode 'fast' give the draft reference's probabilities`, async () => {
    const page = await h.open();
    const out = await page.evaluate(({ names, threads }) => fastAndExact(names, { threads }), { names: Object.keys(draft), threads });
    assert.equal(out.backend.threads, threads);
    for (const [name, r] of Object.entries(out.res)) {
      const m = draft[name].models['efficientnet-lite0'];
      const diff = (p) => p.reduce((d, v, i) => Math.max(d, Math.abs(v - m.probs[i])), 0);
      console.log(`${name}: 1/${m.reduction}, max |p - p_draft| fast ${diff(r.fast).toExponential(1)}, exact ${diff(r.exact).toExponential(1)}`);
      assert.equal(r.top, m.top1, name);
      assert.ok(diff(r.fast) <= 1e-5, `${name}: ${diff(r.fast)}`);
      // the exact decode is the full image's: another input, unless PIL would not reduce
      if (m.reduction > 1) assert.ok(diff(r.exact) > 1e-4, `${name}: exact ${diff(r.exact)}`);
    }
    await page.close();
  });
}

test('thumbnailWidth: a JPEG of the decoded pixels, upright, close to the browser decoding the file at that width', async () => {
  const page = await h.open();
  const out = await page.evaluate(async (names) => {
    const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
    const rgba = async (source, o) => {
      const bm = await createImageBitmap(source, o);
      const c = new OffscreenCanvas(bm.width, bm.height);
      c.getContext('2d').drawImage(bm, 0, 0);
      return { width: bm.width, height: bm.height, data: c.getContext('2d').getImageData(0, 0, bm.width, bm.height).data };
    };
    const res = {};
    for (const name of names) {
      const blob = await fixture(name);
      for (const decode of ['fast', 'exact']) {
        const r = await clf.classify(blob, { decode, thumbnailWidth: 240 });
        const thumb = await rgba(r.thumbnail);
        // the browser's own decode of the file at the thumbnail's size
        const want = await rgba(blob, { resizeWidth: thumb.width, resizeHeight: thumb.height, resizeQuality: 'medium', imageOrientation: 'from-image' });
        let sum = 0;
        for (let i = 0; i < thumb.data.length; i += 4) for (let c = 0; c < 3; c++) sum += Math.abs(thumb.data[i + c] - want.data[i + c]);
        res[`${name} ${decode}`] = { type: r.thumbnail.type, w: thumb.width, h: thumb.height, ms: r.timing.thumbnailMs, meanAbs: sum / ((thumb.data.length / 4) * 3) };
      }
    }
    clf.dispose();
    return res;
  }, ['jpeg/draft/chelsea-2301x2048-420-restarts.jpg', 'jpeg/draft/coffee-540x810-422-exif6.jpg', 'chelsea.png']);
  console.log(out);
  const size = { chelsea: [240, 214], coffee: [240, 160], 'chelsea.png': [240, 160] };
  for (const [k, r] of Object.entries(out)) {
    assert.equal(r.type, 'image/jpeg', k);
    const [w, h] = k.startsWith('chelsea.png') ? size['chelsea.png'] : size[k.includes('coffee') ? 'coffee' : 'chelsea'];
    // upright, the photo's aspect (the reduced decode's height may round one lower)
    assert.equal(r.w, w, k);
    assert.ok(Math.abs(r.h - h) <= 1, `${k}: ${r.w}x${r.h}`);
    // measured 2.5 to 4.2 levels on average, as much for the exact decode's pixels: JPEG at
    // quality 0.8 and another resampler
    assert.ok(r.meanAbs < 6, `${k}: mean |thumbnail - browser's decode| = ${r.meanAbs}`);
  }
  await page.close();
});
