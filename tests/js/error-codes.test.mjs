// One table of error codes (www/src/shared/error-codes.json): the JS ErrorCode, the types, the
// README and the codes the library raises all agree with it; Rust's side is
// tests/rust/errors.rs. A code wasm raises reaches the caller as that code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ErrorCode, EffnetError } from 'effnet-wasm';
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

test('ErrorCode is the table', () => {
  assert.deepEqual(Object.keys(ErrorCode), CODES);
  for (const code of CODES) assert.equal(ErrorCode[code], code);
  assert.ok(Object.isFrozen(ErrorCode));
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

test('every ErrorCode the library names is in the table', async () => {
  const files = (await readdir(join(repo, 'www/src'), { recursive: true })).filter((f) => f.endsWith('.js'));
  const used = new Set();
  for (const f of files) {
    for (const m of (await read(join('www/src', f))).matchAll(/ErrorCode\.([A-Za-z_]+)/g)) used.add(m[1]);
  }
  assert.ok(used.has('BAD_OPTIONS') && used.has('BAD_MANIFEST'), [...used].join());
  for (const code of used) assert.ok(CODES.includes(code), `ErrorCode.${code} is not in the table`);
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
