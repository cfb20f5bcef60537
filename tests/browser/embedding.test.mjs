// Embeddings in headless chromium, through the harness bundle (webpack; `npm run build:test`
// first): embed() against timm's pooled features on the four photos in the baseline SIMD
// build and in the relaxed SIMD one on two threads, and classify's withEmbedding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { harnessInChromium } from './harness-chromium.mjs';

const timm = JSON.parse(await readFile(new URL('../fixtures/embeddings/reference.json', import.meta.url), 'utf8'));
const PHOTOS = ['astronaut.png', 'chelsea.png', 'coffee.png', 'rocket.jpg'];
// the bound, per value, for every build: relaxed SIMD's fused multiply-adds round
// differently, nothing more (chromium-only.test.mjs holds the four builds' probabilities to 1e-4 too)
const MAX_ABS_DIFF = 1e-4;

const h = harnessInChromium();

const maxAbsDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

test("embed in chromium is timm's pooled features within 1e-4, baseline and two-thread relaxed builds; withEmbedding is the same vector", async () => {
  const page = await h.open();
  const runs = await page.evaluate(async (photos) => {
    const out = [];
    for (const create of [{ threads: 1, relaxedSimd: false }, { threads: 2 }]) {
      const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0', ...create });
      const photosOut = {};
      for (const name of photos) {
        const raw = await clf.embed(await fixture(name), { l2Normalize: false });
        const unit = await clf.embed(await fixture(name));
        const both = await clf.classify(await fixture(name), { withEmbedding: true });
        const plain = await clf.classify(await fixture(name));
        photosOut[name] = {
          raw: Array.from(raw.embedding.floatEmbedding),
          isFloat32: raw.embedding.floatEmbedding instanceof Float32Array,
          keys: Object.keys(raw.embedding).sort(),
          head: [raw.embedding.headIndex, raw.embedding.headName],
          unit: Array.from(unit.embedding.floatEmbedding),
          withEmbedding: Array.from(both.embedding.floatEmbedding),
          sameTop5: JSON.stringify(both.categories) === JSON.stringify(plain.categories),
          inferenceMs: raw.timing.inferenceMs,
        };
      }
      const q = await clf.embed(await fixture('chelsea.png'), { quantize: true });
      const cat = await clf.embed(await fixture('chelsea.png'));
      out.push({
        backend: clf.backend,
        photos: photosOut,
        quantized: { isInt8: q.embedding.quantizedEmbedding instanceof Int8Array, float: q.embedding.floatEmbedding, values: Array.from(q.embedding.quantizedEmbedding) },
        cosine: effnet.cosineSimilarity(cat.embedding, q.embedding),
      });
      clf.dispose();
    }
    return out;
  }, PHOTOS);
  // relaxed SIMD by default (Debian's chromium has it); two threads asked, on any core count
  assert.deepEqual(runs.map((r) => r.backend.build), ['simd', 'simd-threads-relaxed']);
  for (const run of runs) {
    for (const name of PHOTOS) {
      const p = run.photos[name];
      const diff = maxAbsDiff(p.raw, timm['efficientnet-lite0'][name]);
      console.log(`${run.backend.build} (${run.backend.threads} threads) ${name}: max |e - e_timm| = ${diff.toExponential(2)}; inference ${p.inferenceMs.toFixed(1)} ms`);
      assert.equal(p.raw.length, 1280);
      assert.ok(p.isFloat32);
      assert.deepEqual(p.keys, ['floatEmbedding', 'headIndex', 'headName']);
      assert.deepEqual(p.head, [0, 'embedding']);
      assert.ok(diff <= MAX_ABS_DIFF, `${run.backend.build} ${name}: ${diff}`);
      const norm = Math.sqrt(p.raw.reduce((s, x) => s + x * x, 0));
      assert.ok(maxAbsDiff(p.unit, p.raw.map((x) => x / norm)) < 1e-6, name);
      assert.deepEqual(p.withEmbedding, p.unit, `${name}: the same run's vector`);
      assert.ok(p.sameTop5, name);
    }
    const cat = run.photos['chelsea.png'].unit;
    assert.ok(run.quantized.isInt8 && run.quantized.float === undefined);
    assert.ok(run.quantized.values.every((b, i) => Math.abs(b - cat[i] * 127) <= 0.5 + 1e-4));
    assert.ok(run.cosine > 0.99, `${run.cosine}`);
  }
  await page.close();
});

test('embed with a model whose entry names no embedding: BAD_OPTIONS before the image is read', async () => {
  const page = await h.open();
  const err = await page.evaluate(async () => {
    const lite0 = effnet.models.find((m) => m.id === 'efficientnet-lite0');
    const { embedding: _, ...output } = lite0.output;
    // the packaged Lite0 file, its entry without output.embedding
    const clf = await effnet.ImageClassifier.create({ model: { id: lite0.id, output } });
    const errors = [];
    for (const call of [() => clf.embed(new Blob(['not an image'])), () => clf.classify(new Blob(['x']), { withEmbedding: true })]) {
      try {
        await call();
      } catch (e) {
        errors.push({ code: e.code, message: e.message });
      }
    }
    clf.dispose();
    return errors;
  });
  assert.equal(err.length, 2);
  for (const e of err) {
    assert.equal(e.code, 'BAD_OPTIONS');
    assert.match(e.message, /^model efficientnet-lite0 has no embedding output/);
  }
  await page.close();
});
