// decode: 'fast' in Node and in the real wasm build (www/src/shared/open-image.js ->
// openImage, crate/src/decode/): PIL draft's pixels and the probabilities of its reference
// (tests/fixtures/jpeg/draft/, see make_jpeg_fixtures.py), what it leaves to the host's
// decoder, and its errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ImageClassifier, ErrorCode, EffnetError, models } from 'effnet-wasm';
import * as wasm from '../../www/pkg/simd/effnet.js';
import { openImage } from '../../www/src/shared/open-image.js';

const fixture = async (name) => new Uint8Array(await readFile(new URL(`../fixtures/${name}`, import.meta.url)));
wasm.initSync({ module: await readFile(new URL('../../www/pkg/simd/effnet_bg.wasm', import.meta.url)) });
const draft = JSON.parse(await readFile(new URL('../fixtures/jpeg/draft/draft.json', import.meta.url), 'utf8'));
const entry = (id) => models.find((m) => m.id === id);
// the scaled pixels, or null where the host's decoder (here: a JPEG decoder) gets the bytes
const decodeFast = (name, bytes, preprocess) => openImage(wasm, name, bytes, { preprocess, hostFormats: ['JPEG'] }).pixels ?? null;

test("the crate takes the short side from the model's preprocess, for either resize mode", async () => {
  const big = await fixture('jpeg/draft/chelsea-2301x2048-420-restarts.jpg');
  // Lite0 resizes the short side to floor(224 / 0.875) = 256: 2048 / 8
  assert.deepEqual(dims(decodeFast('big.jpg', big, entry('efficientnet-lite0').preprocess)), [288, 256]);
  // B7's TF crop needs a short side of 600 + 32 (tests/rust/jpeg_scaled.rs): 1/2, not 1/4
  assert.deepEqual(dims(decodeFast('big.jpg', big, entry('efficientnet-b7').preprocess)), [1151, 1024]);
});

test("what the crate leaves to the host is the same bytes, read once, or a view of them", async () => {
  const small = await fixture('jpeg/chelsea-420.jpg');
  const left = openImage(wasm, 'small.jpg', small, { preprocess: entry('efficientnet-lite0').preprocess, hostFormats: ['JPEG'] });
  assert.equal(left.format, 'JPEG');
  assert.equal(left.components, 3);
  assert.equal(left.stream, small);
  // a kind of file the crate does not read is not judged: the host's decoder may know it
  const bmp = new Uint8Array([0x42, 0x4d, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(openImage(wasm, 'x.bmp', bmp, { hostFormats: ['JPEG'] }), { format: null, components: undefined, stream: bmp });
  // a format the host does not decode is decoded by the crate: pixels
  const png = openImage(wasm, 'chelsea.png', await fixture('chelsea.png'), { hostFormats: ['JPEG'] });
  assert.deepEqual(dims(png.pixels), [451, 300]);
});

const dims = (px) => [px.width, px.height];

test("the wasm build's scaled decode gives PIL draft's pixels, upright", async () => {
  let compared = 0;
  for (const [name, c] of Object.entries(draft)) {
    for (const [id, m] of Object.entries(c.models)) {
      const px = decodeFast(name, await fixture(`jpeg/draft/${name}.jpg`), entry(id).preprocess);
      if (m.reduction === 1) {
        assert.equal(px, null, `${name} ${id}: nothing to reduce`);
        continue;
      }
      const pil = wasm.decodeImage(await fixture(`jpeg/draft/${name}.r${m.reduction}.png`));
      assert.deepEqual([px.width, px.height], m.decoded, `${name} ${id}`);
      let differing = 0;
      for (let i = 0; i < px.data.length; i++) differing += px.data[i] !== pil.data[i];
      assert.equal(differing, 0, `${name} 1/${m.reduction}`);
      compared++;
    }
  }
  assert.ok(compared >= 8, String(compared));
});

test("classify with decode: 'fast' gives the draft reference's probabilities", async () => {
  for (const id of ['efficientnet-lite0', 'efficientnet-lite1']) {
    const clf = await ImageClassifier.create({ model: id });
    try {
      for (const [name, c] of Object.entries(draft)) {
        const m = c.models[id];
        const r = await clf.classify(await fixture(`jpeg/draft/${name}.jpg`), { decode: 'fast', maxResults: 1, withProbabilities: true });
        let diff = 0;
        for (let i = 0; i < 1000; i++) diff = Math.max(diff, Math.abs(r.probabilities[i] - m.probs[i]));
        assert.equal(r.categories[0].index, m.top1, `${id} ${name}: top-1`);
        // tract vs onnxruntime on the same pixels: the golden bound (tests/rust/jpeg_scaled.rs)
        assert.ok(diff <= 1e-5, `${id} ${name}: max |p - p_ref| = ${diff}`);
      }
    } finally {
      clf.dispose();
    }
  }
});

test("what 'fast' leaves (PNG, a JPEG too small to reduce, CMYK) is decoded as 'exact' is", async () => {
  const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });
  try {
    for (const f of ['chelsea.png', 'jpeg/chelsea-420.jpg', 'odd/cmyk.jpg', 'odd/exif-rotated.jpg']) {
      const bytes = await fixture(f);
      const fast = await clf.classify(bytes, { decode: 'fast', withProbabilities: true });
      const exact = await clf.classify(bytes, { withProbabilities: true });
      assert.deepEqual(fast.probabilities, exact.probabilities, f);
    }
    // and a large JPEG is not: the reduced decode differs from the full one, slightly
    const big = await fixture('jpeg/draft/chelsea-2301x2048-420-restarts.jpg');
    const [fast, exact] = [await clf.classify(big, { decode: 'fast' }), await clf.classify(big)];
    assert.equal(fast.categories[0].index, exact.categories[0].index);
    assert.notEqual(fast.categories[0].score, exact.categories[0].score);
  } finally {
    clf.dispose();
  }
});

test('a JPEG cut short is BAD_IMAGE naming the file; a bad decode option is BAD_OPTIONS', async () => {
  const whole = await fixture('jpeg/draft/chelsea-780x520-420-progressive.jpg');
  assert.throws(
    () => decodeFast('holiday.jpg', whole.subarray(0, (whole.length * 2) / 3), entry('efficientnet-lite0').preprocess),
    (e) => e instanceof EffnetError && e.code === ErrorCode.BAD_IMAGE && /holiday\.jpg: the JPEG file is truncated/.test(e.message),
  );
  const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });
  try {
    await assert.rejects(clf.classify(whole, { decode: 'draft' }), (e) => e.code === ErrorCode.BAD_OPTIONS && /decode must be 'fast' or 'exact', not 'draft'/.test(e.message));
  } finally {
    clf.dispose();
  }
});
