// Embeddings under Node, through the package's public name: embed() on the real photos with
// the real Lite0, Lite1 and Lite2 against timm's pooled features (tests/fixtures/embeddings), the same
// embedding from classify's withEmbedding, and cosineSimilarity's contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ImageClassifier, models, ErrorCode, EffnetError, cosineSimilarity } from 'effnet-wasm';

const fixture = async (name) => new Uint8Array(await readFile(new URL(`../fixtures/${name}`, import.meta.url)));
const timm = JSON.parse(await readFile(new URL('../fixtures/embeddings/reference.json', import.meta.url), 'utf8'));
const PHOTOS = ['astronaut.png', 'chelsea.png', 'coffee.png', 'rocket.jpg'];
// the bound, per value; measured: at most 7e-6 natively (tests/rust/embedding.rs)
const MAX_ABS_DIFF = 1e-4;

const lite0 = await ImageClassifier.create({ model: 'efficientnet-lite0' });

const maxAbsDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const isCode = (code, message) => (e) => {
  assert.ok(e instanceof EffnetError, `an EffnetError, got ${e}`);
  assert.equal(e.code, code, e.message);
  if (message) assert.match(e.message, message);
  return true;
};

test("embed (l2Normalize: false) is timm's pooled features within 1e-4, Lite0, Lite1 and Lite2, every photo", async () => {
  for (const model of ['efficientnet-lite0', 'efficientnet-lite1', 'efficientnet-lite2']) {
    const clf = model === 'efficientnet-lite0' ? lite0 : await ImageClassifier.create({ model });
    for (const name of PHOTOS) {
      const { embedding, timing } = await clf.embed(await fixture(name), { l2Normalize: false });
      const want = timm[model][name];
      const diff = maxAbsDiff(embedding.floatEmbedding, want);
      console.log(`${model} ${name}: max |e - e_timm| = ${diff.toExponential(2)}; inference ${timing.inferenceMs.toFixed(1)} ms`);
      assert.ok(embedding.floatEmbedding instanceof Float32Array);
      assert.equal(embedding.floatEmbedding.length, 1280);
      assert.equal(embedding.quantizedEmbedding, undefined);
      assert.deepEqual([embedding.headIndex, embedding.headName], [0, 'embedding']);
      assert.ok(diff <= MAX_ABS_DIFF, `${model} ${name}: ${diff}`);
    }
    if (clf !== lite0) clf.dispose();
  }
});

test('embed by default is the unit vector; quantize gives round(v * 127) as an Int8Array', async () => {
  const bytes = await fixture('chelsea.png');
  const raw = (await lite0.embed(bytes, { l2Normalize: false })).embedding.floatEmbedding;
  const unit = (await lite0.embed(bytes)).embedding.floatEmbedding;
  const q = await lite0.embed(bytes, { quantize: true });
  const n = norm(raw);
  assert.ok(n > 1, `a photo's features are not near zero (${n})`);
  assert.ok(Math.abs(norm(unit) - 1) < 1e-6);
  assert.ok(maxAbsDiff(unit, raw.map((x) => x / n)) < 1e-7);
  const { quantizedEmbedding, floatEmbedding } = q.embedding;
  assert.ok(quantizedEmbedding instanceof Int8Array);
  assert.equal(floatEmbedding, undefined);
  assert.deepEqual(Object.keys(q), ['embedding', 'timing']);
  for (let i = 0; i < unit.length; i++) assert.ok(Math.abs(quantizedEmbedding[i] - unit[i] * 127) <= 0.5 + 1e-4, `${i}`);
  assert.ok(quantizedEmbedding.some((b) => b !== 0));
});

test('classify withEmbedding: the embed() vector and the same top 5 as classify, from one inference', async () => {
  for (const name of PHOTOS) {
    const bytes = await fixture(name);
    const plain = await lite0.classify(bytes);
    const both = await lite0.classify(bytes, { withEmbedding: true });
    const alone = await lite0.embed(bytes);
    assert.deepEqual(both.categories, plain.categories, name);
    assert.deepEqual(both.embedding, alone.embedding, name);
    assert.equal(plain.embedding, undefined);
    assert.deepEqual(Object.keys(both.timing), Object.keys(plain.timing));
  }
});

test('cosineSimilarity: 1 for a photo with itself, less for another; float and quantised agree', async () => {
  const [cat, coffee] = await Promise.all(['chelsea.png', 'coffee.png'].map(async (n) => (await lite0.embed(await fixture(n))).embedding));
  const catQ = (await lite0.embed(await fixture('chelsea.png'), { quantize: true })).embedding;
  assert.ok(Math.abs(cosineSimilarity(cat, cat) - 1) < 1e-6);
  const other = cosineSimilarity(cat, coffee);
  console.log(`cos(cat, coffee) = ${other.toFixed(4)}, cos(cat, cat quantised) = ${cosineSimilarity(cat, catQ).toFixed(4)}`);
  assert.ok(other < 0.9, `${other}`);
  assert.ok(Math.abs(cosineSimilarity(cat.floatEmbedding, coffee.floatEmbedding) - other) < 1e-12);
  assert.ok(cosineSimilarity(cat, catQ) > 0.99);
  assert.ok(Math.abs(cosineSimilarity(catQ, (await lite0.embed(await fixture('coffee.png'), { quantize: true })).embedding) - other) < 0.02);
  assert.equal(cosineSimilarity([1, 0], [-1, 0]), -1);
});

test('cosineSimilarity: BAD_EMBEDDING on a length mismatch, a zero vector or what is no embedding', () => {
  const bad = (a, b, message) => assert.throws(() => cosineSimilarity(a, b), isCode(ErrorCode.BAD_EMBEDDING, message));
  bad(new Float32Array(1280).fill(1), new Float32Array(2560).fill(1), /the embeddings have 1280 and 2560 values/);
  bad(new Float32Array([1, 2]), new Float32Array(2), /the second embedding is a zero vector/);
  bad({ quantizedEmbedding: new Int8Array(3), headIndex: 0, headName: 'embedding' }, [1, 2, 3], /the first embedding is a zero vector/);
  bad([], [], /zero vector/);
  bad('0.1,0.2', [1, 2], /the first argument is not an embedding/);
  bad([1, 2], [1, NaN], /the second argument is not an embedding/);
  bad(undefined, [1], /the first argument is not an embedding/);
});

test('a model whose entry names no embedding output: BAD_OPTIONS before the image is decoded', async () => {
  const entry = models.find((m) => m.id === 'efficientnet-lite0');
  const { embedding: _, ...output } = entry.output;
  const clf = await ImageClassifier.create({
    model: { id: 'no-embedding', url: new URL('../../models/efficientnet-lite0.onnx', import.meta.url).href, input: entry.input, preprocess: entry.preprocess, output },
  });
  const garbage = new Uint8Array([1, 2, 3]); // BAD_IMAGE, were it decoded
  const noEmbedding = isCode(ErrorCode.BAD_OPTIONS, /^model no-embedding has no embedding output/);
  await assert.rejects(clf.embed(garbage), noEmbedding);
  await assert.rejects(clf.classify(garbage, { withEmbedding: true }), noEmbedding);
  assert.equal((await clf.classify(await fixture('coffee.png'))).categories[0].label, 'espresso');
  clf.dispose();
});

test('bad embed options are BAD_OPTIONS naming the option', async () => {
  const bytes = await fixture('coffee.png');
  await assert.rejects(lite0.embed(bytes, { quantize: true, l2Normalize: false }), isCode(ErrorCode.BAD_OPTIONS, /quantize: true needs l2Normalize: true/));
  await assert.rejects(lite0.embed(bytes, { withEmbedding: true }), isCode(ErrorCode.BAD_OPTIONS, /unknown embed option 'withEmbedding'/));
});
