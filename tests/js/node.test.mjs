// The package under Node.js, through its public name: real photos, the real Lite0 model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ImageClassifier, models, ErrorCode, EffnetError } from 'effnet-wasm';
import { serve } from '../../www/serve.mjs';

const fixture = (name) => readFile(new URL(`../fixtures/${name}`, import.meta.url));
const reference = JSON.parse(await readFile(new URL('../fixtures/reference.json', import.meta.url), 'utf8'));
const PHOTOS = Object.keys(reference['efficientnet-lite0'].images);

const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });

const rejectsWith = (promise, code) =>
  assert.rejects(promise, (e) => {
    assert.ok(e instanceof EffnetError, `an EffnetError, got ${e}`);
    assert.equal(e.code, code, e.message);
    return true;
  });

test('each fixture photo gets the reference top-1', async () => {
  assert.equal(PHOTOS.length, 4);
  for (const name of PHOTOS) {
    const r = await clf.classify(new Uint8Array(await fixture(name)));
    const [index, label, p] = reference['efficientnet-lite0'].images[name].top5[0];
    console.log(`${name}: ${r.categories[0].label} ${r.categories[0].score.toFixed(4)} (reference ${label} ${p}); inference ${r.timing.inferenceMs.toFixed(1)} ms`);
    assert.equal(r.categories[0].index, index, name);
    assert.equal(r.categories[0].label, label, name);
    assert.ok(Math.abs(r.categories[0].score - p) < 0.01, name);
    assert.equal(r.categories.length, 5);
    assert.equal(r.backend.threads, 1);
  }
});

test('the wasm build agrees with timm to float rounding: all 1000 probabilities of every photo, Lite0, Lite1 and Lite2', async () => {
  for (const model of ['efficientnet-lite0', 'efficientnet-lite1', 'efficientnet-lite2']) {
    const c = model === 'efficientnet-lite0' ? clf : await ImageClassifier.create({ model });
    for (const name of PHOTOS) {
      const r = await c.classify(new Uint8Array(await fixture(name)), { maxResults: -1 });
      const ref = reference[model].images[name].probs;
      assert.equal(r.categories.length, 1000);
      const diff = Math.max(...r.categories.map((cat) => Math.abs(cat.score - ref[cat.index])));
      console.log(`${model} ${name}: max |p - p_ref| ${diff.toExponential(1)}`);
      // float summation order only: the JPEG decodes to PIL's pixels too (www/src/node/decode.js)
      assert.ok(diff < 1e-5, `${model} ${name}: ${diff}`);
    }
    if (c !== clf) c.dispose();
  }
});

test('withProbabilities: every class\'s probability as a Float32Array, agreeing with the categories', async () => {
  const r = await clf.classify(new Uint8Array(await fixture('rocket.jpg')), { maxResults: 3, withProbabilities: true });
  const p = r.probabilities;
  assert.ok(p instanceof Float32Array);
  assert.equal(p.length, 1000);
  const sum = p.reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(sum - 1) < 1e-4, `sums to ${sum}`);
  const argmax = p.indexOf(Math.max(...p));
  assert.equal(argmax, r.categories[0].index);
  for (const c of r.categories) assert.ok(Math.abs(p[c.index] - c.score) < 1e-6, `${c.label}: ${p[c.index]} vs ${c.score}`);
  assert.equal(r.categories.length, 3);
  assert.equal('probabilities' in (await clf.classify(new Uint8Array(await fixture('rocket.jpg')))), false, 'only when asked for');
});

test('RGBA pixels give the same answer as the encoded file', async () => {
  const bytes = new Uint8Array(await fixture('coffee.png'));
  const a = await clf.classify(bytes, { maxResults: 1 });
  // decode once more through the wasm decoder, then hand the pixels over
  const wasm = await import('../../www/pkg/simd/effnet.js');
  const px = wasm.decodeImage(bytes);
  const b = await clf.classify({ data: px.data, width: px.width, height: px.height }, { maxResults: 1 });
  assert.deepEqual(b.categories, a.categories);
  assert.equal(a.categories[0].label, 'espresso');
});

test('maxResults, scoreThreshold and allow/deny lists filter the categories', async () => {
  const cat = new Uint8Array(await fixture('chelsea.png'));
  const all = await clf.classify(cat, { maxResults: -1 });
  assert.equal(all.categories.length, 1000);
  const sum = all.categories.reduce((s, c) => s + c.score, 0);
  assert.ok(Math.abs(sum - 1) < 1e-3, `probabilities sum to ${sum}`);
  const above = await clf.classify(cat, { maxResults: 10, scoreThreshold: 0.1 });
  assert.ok(above.categories.length >= 1 && above.categories.every((c) => c.score >= 0.1));
  const only = await clf.classify(cat, { categoryAllowlist: ['tabby cat', 'lynx'] });
  assert.deepEqual(only.categories.map((c) => c.index).sort(), [281, 287]);
  const without = await clf.classify(cat, { maxResults: 2, categoryDenylist: ['tiger cat'] });
  assert.ok(!without.categories.some((c) => c.index === 282));
  await rejectsWith(clf.classify(cat, { categoryAllowlist: ['x'], categoryDenylist: ['y'] }), ErrorCode.BAD_OPTIONS);
  await rejectsWith(clf.classify(cat, { categoryAllowlist: ['no such thing'] }), ErrorCode.BAD_OPTIONS);
  await rejectsWith(clf.classify(cat, { maxResult: 3 }), ErrorCode.BAD_OPTIONS);
});

test('bad input is a clear, typed error and the next image still works', async () => {
  await rejectsWith(ImageClassifier.create({ model: 'efficientnet-b99' }), ErrorCode.MODEL_NOT_FOUND);
  const lite0 = models.find((m) => m.id === 'efficientnet-lite0');
  await rejectsWith(ImageClassifier.create({ model: { ...lite0, sha256: '0'.repeat(64) } }), ErrorCode.MODEL_INTEGRITY);
  await rejectsWith(ImageClassifier.create({ modelPath: '/no/such/model.onnx' }), ErrorCode.MODEL_FETCH);
  const text = new TextEncoder().encode('This is a text file with a .jpg name.\n');
  await assert.rejects(clf.classify(text), (e) => e.code === ErrorCode.BAD_IMAGE && /not an image/.test(e.message));
  await rejectsWith(clf.classify({ data: new Uint8Array(12), width: 2, height: 2 }), ErrorCode.BAD_IMAGE);
  await rejectsWith(clf.classify({ data: new Uint8Array(0), width: 0, height: 0 }), ErrorCode.BAD_IMAGE);
  const r = await clf.classify(new Uint8Array(await fixture('coffee.png')));
  assert.equal(r.categories[0].label, 'espresso');
});

test('classifyBatch keeps going past a bad image and reports progress', async () => {
  const seen = [];
  const rs = await clf.classifyBatch(
    [new Uint8Array(await fixture('coffee.png')), new Uint8Array([1, 2, 3]), new Uint8Array(await fixture('chelsea.png'))],
    { maxResults: 1 },
    (done, total) => seen.push(`${done}/${total}`),
  );
  assert.deepEqual(seen, ['1/3', '2/3', '3/3']);
  assert.equal(rs[0].categories[0].label, 'espresso');
  assert.equal(rs[1].error.code, ErrorCode.BAD_IMAGE);
  assert.ok([281, 282, 285].includes(rs[2].categories[0].index));
});

test('dispose makes later calls reject with DISPOSED', async () => {
  const c = await ImageClassifier.create({ model: 'efficientnet-lite0' });
  c.dispose();
  await rejectsWith(c.classify(new Uint8Array(await fixture('coffee.png'))), ErrorCode.DISPOSED);
});

test("a caller's own model entry (url, no sha256) loads and classifies", async () => {
  const lite0 = models.find((m) => m.id === 'efficientnet-lite0');
  const { input, preprocess, output } = lite0;
  const url = new URL('../../models/efficientnet-lite0.onnx', import.meta.url).href;
  const own = await ImageClassifier.create({ model: { id: 'my-model', url, input, preprocess, output } });
  const r = await own.classify(new Uint8Array(await fixture('coffee.png')), { maxResults: 1 });
  assert.equal(r.categories[0].label, 'espresso');
  own.dispose();
  await rejectsWith(ImageClassifier.create({ model: { id: 'my-model', url } }), ErrorCode.BAD_OPTIONS);
});

test('a model from an http: URL downloads with progress', async () => {
  const server = await serve({ port: 0 });
  try {
    const events = [];
    const remote = await ImageClassifier.create({ modelBaseUrl: `${server.url}/models/`, onProgress: (e) => events.push(e) });
    const r = await remote.classify(new Uint8Array(await fixture('coffee.png')), { maxResults: 1 });
    assert.equal(r.categories[0].label, 'espresso');
    const downloads = events.filter((e) => e.phase === 'download');
    assert.ok(downloads.length > 1, 'progress while streaming');
    assert.equal(downloads.at(-1).loadedBytes, models[0].bytes);
    assert.deepEqual(events.slice(-2).map((e) => e.phase), ['compile', 'ready']);
    remote.dispose();
    await assert.rejects(ImageClassifier.create({ modelBaseUrl: `${server.url}/nowhere/` }), (e) =>
      e.code === ErrorCode.MODEL_FETCH && e.message.includes(`${server.url}/nowhere/efficientnet-lite0.onnx`) && /404/.test(e.message));
  } finally {
    server.close();
  }
});
