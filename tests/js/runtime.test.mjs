// Runtime selection rules, checked where the browser cannot be made to lack a feature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRuntime } from '../../www/src/worker/runtime.js';

test('without WebAssembly SIMD the error names the missing feature', async (t) => {
  t.mock.method(WebAssembly, 'validate', () => false);
  await assert.rejects(startRuntime('auto'), (e) => {
    assert.equal(e.code, 'UNSUPPORTED_BROWSER');
    assert.match(e.message, /WebAssembly SIMD \(simd128\)/);
    return true;
  });
});

test('a thread count that is not a positive integer is refused', async () => {
  for (const bad of [0, -2, 1.5, 'many']) {
    await assert.rejects(startRuntime(bad), (e) => e.code === 'BAD_OPTIONS' && /threads/.test(e.message));
  }
});

test('relaxedSimd must be a boolean', async () => {
  await assert.rejects(startRuntime(1, { relaxedSimd: 'yes' }), (e) => e.code === 'BAD_OPTIONS' && /relaxedSimd/.test(e.message));
});

test('cacheRuntime must be a boolean, named when it is not', async () => {
  await assert.rejects(startRuntime(1, { cacheRuntime: 'yes' }), (e) => e.code === 'BAD_OPTIONS' && e.message === 'cacheRuntime must be true or false, not yes');
});
