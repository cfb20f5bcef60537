// One table of error codes (www/src/shared/error-codes.json): the types, the README and the
// codes the library raises all agree with it, and every code reaches the caller across the
// worker as itself; Rust's side is tests/rust/errors.rs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ErrorCode, EffnetError } from 'effnet-wasm';
import { forTransfer, toEffnetError } from '../../www/src/shared/errors.js';
import * as wasm from '../../www/pkg/simd/effnet.js';
import { ModelSession } from '../../www/src/shared/model-session.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const read = (rel) => readFile(join(repo, rel), 'utf8');
const table = JSON.parse(await read('www/src/shared/error-codes.json'));
const CODES = Object.keys(table);

test('the table gives every code a meaning', () => {
  assert.ok(CODES.length >= 10, CODES.join());
  for (const [code, meaning] of Object.entries(table)) {
    assert.match(code, /^[A-Z_]+$/);
    assert.ok(typeof meaning === 'string' && meaning.length > 10, `${code}: ${meaning}`);
  }
});

test('a code crosses the worker boundary as itself; a trap is WORKER_CRASHED, anything unnamed INFERENCE', () => {
  // comlink clones an error's name and message, nothing else
  const cross = (e) => {
    const sent = forTransfer(e);
    return toEffnetError(Object.assign(new Error(sent.message), { name: sent.name }));
  };
  for (const code of CODES) {
    const got = cross(new EffnetError(code, `a ${code} error`));
    assert.ok(got instanceof EffnetError);
    assert.deepEqual([got.code, got.message], [code, `a ${code} error`]);
  }
  // wasm's errors carry their code in the name (crate/src/wasm), as the worker's do
  assert.equal(cross(Object.assign(new Error('x'), { name: 'BAD_IMAGE' })).code, 'BAD_IMAGE');
  const trap = Object.assign(new Error('unreachable executed'), { name: 'RuntimeError' });
  assert.equal(forTransfer(trap, () => 'panicked at crate/src/x.rs:1:1').name, 'WORKER_CRASHED');
  assert.equal(cross(new TypeError('x is not a function')).code, 'INFERENCE');
  assert.equal(cross(Object.assign(new Error('x'), { name: 'NOT_A_CODE' })).code, 'INFERENCE');
});

test("index.d.ts's ErrorCodeName is the table", async () => {
  const dts = await read('www/src/index.d.ts');
  const union = dts.match(/export type ErrorCodeName =([^;]*);/)?.[1];
  assert.ok(union, 'index.d.ts declares ErrorCodeName');
  assert.deepEqual([...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]), CODES);
});

test("README's list of codes is the table", async () => {
  const readme = await read('README.md');
  const start = readme.indexOf('Errors are `EffnetError`s with a `code`');
  assert.ok(start > 0, 'README lists the codes');
  const paragraph = readme.slice(start, readme.indexOf('\n\n', start));
  assert.deepEqual([...paragraph.matchAll(/`([A-Z][A-Z_]+)`/g)].map((m) => m[1]), CODES);
});

test('the codes the library names are the table: none missing from it, none it never raises', async () => {
  const files = (await readdir(join(repo, 'www/src'), { recursive: true })).filter((f) => f.endsWith('.js'));
  const used = new Set();
  for (const f of files) {
    for (const m of (await read(join('www/src', f))).matchAll(/ErrorCode\.([A-Za-z_]+)/g)) used.add(m[1]);
  }
  for (const code of used) assert.ok(CODES.includes(code), `ErrorCode.${code} is not in the table`);
  assert.deepEqual(CODES.filter((code) => !used.has(code)), [], 'codes in the table that www/src never raises');
});

test('a bad manifest entry in wasm is BAD_MANIFEST for the caller, not INFERENCE', async () => {
  wasm.initSync({ module: await readFile(join(repo, 'www/pkg/simd/effnet_bg.wasm')) });
  await assert.rejects(
    ModelSession.open(wasm, { id: 'broken', input: {}, preprocess: {}, output: {} }, new ArrayBuffer(0)),
    (e) => {
      assert.ok(e instanceof EffnetError, String(e));
      assert.equal(e.code, ErrorCode.BAD_MANIFEST, e.message);
      assert.match(e.message, /model 'broken': input\.name is missing/);
      return true;
    },
  );
});
