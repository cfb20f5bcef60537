// A Rust panic inside the real wasm build reaches the caller as a typed error with the panic's
// message, not a bare "unreachable" (crate/src/wasm/trap.rs). Its own file: after a trap the
// process's one wasm instance is unusable (in the browser the worker is replaced instead:
// tests/engines/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ImageClassifier, EffnetError } from 'effnet-wasm';
// the same module instance the package uses (one URL, one module)
import * as wasm from '../../www/pkg/simd/effnet.js';

test('a panic in the engine is a WORKER_CRASHED EffnetError carrying the Rust message and location', async () => {
  const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });
  const photo = new Uint8Array(await readFile(new URL('../fixtures/coffee.png', import.meta.url)));
  assert.equal((await clf.classify(photo)).categories[0].label, 'espresso');
  assert.equal(wasm.lastTrap(), undefined, 'nothing recorded before a trap');
  wasm.armTrapForTests('panic');
  const e = await clf.classify(photo).then(() => null, (e) => e);
  assert.ok(e instanceof EffnetError, `an EffnetError, got ${e}`);
  assert.equal(e.code, 'WORKER_CRASHED');
  assert.match(e.message, /^the engine trapped \(.+\): panicked at crate\/src\/wasm\/trap\.rs:\d+:\d+:\na panic armed by the tests$/);
  assert.equal(e.cause?.name, 'RuntimeError');
});
