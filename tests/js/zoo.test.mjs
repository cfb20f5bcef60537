// Manifest models whose weights the user supplies: listed, marked unavailable, refused with
// a message saying how to build them, and loadable from the caller's own URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { models, resolveModel, isAvailable } from '../../www/src/shared/manifest.js';
import { EffnetError, ErrorCode } from '../../www/src/shared/errors.js';

const manifest = JSON.parse(await readFile(new URL('../../models/manifest.json', import.meta.url), 'utf8'));

test('every manifest model is listed, with availability from its weights and sha256', () => {
  assert.deepEqual(models.map((m) => m.id), manifest.models.map((m) => m.id));
  const unavailable = models.filter((m) => !m.available).map((m) => m.id);
  assert.deepEqual(unavailable.sort(), manifest.models.filter((m) => m.weights?.userSupplied && !m.sha256).map((m) => m.id).sort());
  assert.ok(unavailable.includes('efficientnet-b7'));
  assert.ok(models.find((m) => m.id === 'efficientnet-lite0').available);
  // once the user has built it (a sha256 recorded), the same entry is available
  const b7 = manifest.models.find((m) => m.id === 'efficientnet-b7');
  assert.equal(isAvailable({ ...b7, sha256: 'ab'.repeat(32) }), true);
});

test('an unbuilt model id is MODEL_NOT_FOUND, naming the build command', () => {
  assert.throws(
    () => resolveModel('efficientnet-b7'),
    (e) => {
      assert.ok(e instanceof EffnetError);
      assert.equal(e.code, ErrorCode.MODEL_NOT_FOUND);
      assert.match(e.message, /'efficientnet-b7' is not built/);
      assert.match(e.message, /npm run models -- --from <checkpoint> --only efficientnet-b7/);
      return true;
    },
  );
  assert.throws(() => resolveModel({ id: 'mobilenet-v2-pytorch' }), /is not built/);
});

test("an unbuilt model with the caller's own URL resolves to its manifest contract", () => {
  const e = resolveModel({ id: 'efficientnet-b7', url: '/my/b7.onnx' });
  assert.equal(e.url, '/my/b7.onnx');
  assert.deepEqual(e.input, { name: 'image', shape: [1, 600, 600, 3], layout: 'NHWC' });
  assert.equal(e.preprocess.resize, 'centerCropThenResize');
  assert.equal(e.preprocess.cropPadding, 32);
});
