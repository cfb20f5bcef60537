// Classify options are checked and defaulted in one place (www/src/shared/classify-options.js):
// each bad option is a BAD_OPTIONS naming it, and what comes out is the filter the wasm takes
// (checked here against the real build, which requires every field and refuses others).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { EffnetError, ErrorCode, models } from 'effnet-wasm';
import * as wasm from '../../www/pkg/simd/effnet.js';
import { classifyOptions, embedOptions } from '../../www/src/shared/classify-options.js';
import { ModelSession } from '../../www/src/shared/model-session.js';

const badOptions = (options, message) =>
  assert.throws(
    () => classifyOptions(options),
    (e) => {
      assert.ok(e instanceof EffnetError, String(e));
      assert.equal(e.code, ErrorCode.BAD_OPTIONS);
      assert.match(e.message, message);
      return true;
    },
    JSON.stringify(options) ?? String(options),
  );

test('defaults: the top 5 of every category, no probabilities; undefined takes the default', () => {
  const want = { filter: { maxResults: 5, scoreThreshold: 0, categoryAllowlist: [], categoryDenylist: [] }, withProbabilities: false, withEmbedding: false, decode: 'exact', thumbnailWidth: 0 };
  assert.deepEqual(classifyOptions(), want);
  assert.deepEqual(classifyOptions({}), want);
  assert.deepEqual(classifyOptions({ maxResults: undefined, categoryAllowlist: undefined }), want);
});

test('maxResults -1 is null (all); the other options pass as given', () => {
  const o = classifyOptions({ maxResults: -1, scoreThreshold: 0.25, categoryDenylist: ['tabby'], withProbabilities: true });
  assert.deepEqual(o, { filter: { maxResults: null, scoreThreshold: 0.25, categoryAllowlist: [], categoryDenylist: ['tabby'] }, withProbabilities: true, withEmbedding: false, decode: 'exact', thumbnailWidth: 0 });
  assert.equal(classifyOptions({ decode: 'fast' }).decode, 'fast');
  assert.equal(classifyOptions({ maxResults: 0 }).filter.maxResults, 0);
  assert.equal(classifyOptions({ maxResults: 2 ** 40 }).filter.maxResults, 2 ** 32 - 1, "beyond wasm32's usize: still all");
  assert.equal(classifyOptions({ scoreThreshold: 1 }).filter.scoreThreshold, 1);
});

test('an unknown option is named with the known ones', () => {
  badOptions({ maxResult: 3 }, /^unknown classify option 'maxResult' \(known: maxResults, scoreThreshold, categoryAllowlist, categoryDenylist, withProbabilities, withEmbedding, decode, thumbnailWidth\)$/);
});

test('options that are not an object', () => {
  for (const o of [null, 5, 'top5', [1]]) badOptions(o, /^classify options must be an object/);
});

test('maxResults: a non-negative integer or -1', () => {
  for (const v of [-2, 1.5, NaN, Infinity, '5', null, true]) badOptions({ maxResults: v }, /^maxResults must be a non-negative integer or -1 \(all\), not /);
  badOptions({ maxResults: '5' }, /not '5'$/);
});

test('scoreThreshold: a number in [0, 1]', () => {
  for (const v of [-0.1, 1.5, NaN, Infinity, '0.5', null]) badOptions({ scoreThreshold: v }, /^scoreThreshold must be a number in \[0, 1\], not /);
});

test('allow and deny lists: arrays of strings, not both', () => {
  for (const key of ['categoryAllowlist', 'categoryDenylist']) {
    for (const v of ['tabby', ['tabby', 3], null, { 0: 'tabby' }]) badOptions({ [key]: v }, new RegExp(`^${key} must be an array of strings, not `));
  }
  badOptions({ categoryAllowlist: ['x'], categoryDenylist: ['y'] }, /^categoryAllowlist and categoryDenylist are mutually exclusive$/);
  assert.ok(classifyOptions({ categoryAllowlist: ['x'], categoryDenylist: [] }), 'an empty list does not count');
});

test('withProbabilities and withEmbedding: true or false', () => {
  for (const v of [1, 'yes', null]) badOptions({ withProbabilities: v }, /^withProbabilities must be true or false, not /);
  for (const v of [1, 'yes', null]) badOptions({ withEmbedding: v }, /^withEmbedding must be true or false, not /);
  assert.equal(classifyOptions({ withEmbedding: true }).withEmbedding, true);
});

const badEmbed = (options, message) =>
  assert.throws(() => embedOptions(options), (e) => e instanceof EffnetError && e.code === ErrorCode.BAD_OPTIONS && message.test(e.message), JSON.stringify(options));

test("embed options: MediaPipe's defaults (normalised, not quantised), each bad one named", () => {
  assert.deepEqual(embedOptions(), { l2Normalize: true, quantize: false, decode: 'exact' });
  assert.deepEqual(embedOptions({ l2Normalize: undefined, quantize: true, decode: 'fast' }), { l2Normalize: true, quantize: true, decode: 'fast' });
  assert.deepEqual(embedOptions({ l2Normalize: false }), { l2Normalize: false, quantize: false, decode: 'exact' });
  for (const v of [1, 'yes', null]) badEmbed({ l2Normalize: v }, /^l2Normalize must be true or false, not /);
  for (const v of [1, 'yes', null]) badEmbed({ quantize: v }, /^quantize must be true or false, not /);
  badEmbed({ decode: 'quick' }, /^decode must be 'fast' or 'exact', not 'quick'$/);
  badEmbed({ quantize: true, l2Normalize: false }, /^quantize: true needs l2Normalize: true/);
  badEmbed({ maxResults: 3 }, /^unknown embed option 'maxResults' \(known: l2Normalize, quantize, decode\)$/);
  badEmbed([], /^embed options must be an object, not \[\]$/);
});

test("decode: 'fast' or 'exact', named when it is neither", () => {
  for (const v of ['Fast', 'draft', 1, null, true]) badOptions({ decode: v }, /^decode must be 'fast' or 'exact', not /);
  badOptions({ decode: 'quick' }, /^decode must be 'fast' or 'exact', not 'quick'$/);
});

test('thumbnailWidth: an integer in [0, 1024]', () => {
  assert.equal(classifyOptions({ thumbnailWidth: 240 }).thumbnailWidth, 240);
  for (const v of [-1, 1025, 2.5, '240', null]) badOptions({ thumbnailWidth: v }, /^thumbnailWidth must be an integer in \[0, 1024\] \(0: none\), not /);
});

test('the real wasm takes the filter as it comes out, and refuses it with a field missing or added', async () => {
  wasm.initSync({ module: await readFile(new URL('../../www/pkg/simd/effnet_bg.wasm', import.meta.url)) });
  const lite0 = models.find((m) => m.id === 'efficientnet-lite0');
  const bytes = await readFile(new URL(`../../models/${lite0.file}`, import.meta.url));
  const session = await ModelSession.open(wasm, lite0, bytes);
  try {
    for (const o of [{}, { maxResults: -1 }, { categoryAllowlist: ['tabby cat'] }, { categoryDenylist: ['espresso'], scoreThreshold: 0.5 }]) {
      session.checkFilter(classifyOptions(o).filter);
    }
    const { filter } = classifyOptions();
    const short = { ...filter };
    delete short.categoryDenylist;
    for (const f of [short, { ...filter, withProbabilities: false }]) {
      assert.throws(() => session.checkFilter(f), (e) => e.code === ErrorCode.BAD_OPTIONS, JSON.stringify(f));
    }
    // what only the labels can tell
    assert.throws(() => session.checkFilter(classifyOptions({ categoryAllowlist: ['no such thing'] }).filter), (e) =>
      e.code === ErrorCode.BAD_OPTIONS && /no category is named 'no such thing'/.test(e.message));
  } finally {
    session.free();
  }
});
