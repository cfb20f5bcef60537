// The tagger's engine count (www/tagger/engines.js) from the cores the library measured, as the
// library picks its threads: WebKitGTK claims 4 cores on a 2-core machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineCount } from '../../www/tagger/engines.js';

test('one engine per measured core, never more than claimed, at most 4', () => {
  assert.equal(engineCount(2, 4), 2, 'WebKitGTK: 4 claimed, 2 measured');
  assert.equal(engineCount(3, 8), 3);
  assert.equal(engineCount(8, 16), 4, 'each engine holds a model: 4 at most');
  assert.equal(engineCount(4, 2), 2, 'never more than the browser claims');
});

test('nothing measured: the claim up to two; a busy machine measuring one core still gets two', () => {
  assert.equal(engineCount(null, 2), 2);
  assert.equal(engineCount(null, 1), 1);
  assert.equal(engineCount(null, 4), 2, 'WebKitGTK without threads: its claim of 4 is not measured');
  assert.equal(engineCount(1, 4), 2, 'one core measured on a busy 4-core claim');
  assert.equal(engineCount(null, undefined), 1, 'no claim at all: one');
});
