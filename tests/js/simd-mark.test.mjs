// tools/simd-mark.mjs: every function body starts with `v128.const 0; drop` (so JavaScriptCore
// compiles it with BBQ before its first call and never moves a running loop from its interpreter
// into BBQ: docs/performance.md, "JavaScriptCore's trap, found"), the module means the same, and
// the built wasm (crate/build-wasm.sh) is marked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relaxedSimd } from 'wasm-feature-detect';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MARK, simdMark } from '../../tools/simd-mark.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));

// (module
//   (func (export "sum") (param i32) (result i32) (local i32 i32) (local externref)
//     loop: local1 += local0; local0 -= 1; br_if while local0   => local1)
//   (func (export "seven") (result i32) i32.const 7))
const section = (id, bytes) => [id, bytes.length, ...bytes]; // every section here is under 128 bytes
const body = (bytes) => [bytes.length, ...bytes];
const SMALL = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  // types: (i32) -> i32, () -> i32
  ...section(1, [0x02, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f]),
  ...section(3, [0x02, 0x00, 0x01]),
  // exports "sum" 0, "seven" 1
  ...section(7, [0x02, 0x03, 0x73, 0x75, 0x6d, 0x00, 0x00, 0x05, 0x73, 0x65, 0x76, 0x65, 0x6e, 0x00, 0x01]),
  ...section(10, [
    0x02,
    // 2 groups of locals (2 x i32, 1 x externref), then a loop
    ...body([
      0x02, 0x02, 0x7f, 0x01, 0x6f,
      0x03, 0x40, // loop
      0x20, 0x01, 0x20, 0x00, 0x6a, 0x21, 0x01, // local1 = local1 + local0
      0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, // local0 = local0 - 1 (tee)
      0x0d, 0x00, // br_if 0
      0x0b, // end loop
      0x20, 0x01, 0x0b,
    ]),
    ...body([0x00, 0x41, 0x07, 0x0b]),
  ]),
]);

/** Each function body's bytes after its local declarations. */
function bodies(wasm) {
  const leb = (at) => {
    let v = 0;
    let s = 0;
    for (;;) {
      const b = wasm[at++];
      v += (b & 0x7f) * 2 ** s;
      s += 7;
      if (b < 0x80) return [v, at];
    }
  };
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, p] = leb(at + 1);
    if (id === 10) {
      const out = [];
      let [n, q] = leb(p);
      for (let i = 0; i < n; i++) {
        const [bodySize, b] = leb(q);
        let [groups, c] = leb(b);
        for (let g = 0; g < groups; g++) {
          [, c] = leb(c);
          const t = wasm[c++];
          if (t === 0x63 || t === 0x64) while (wasm[c++] & 0x80);
        }
        out.push(wasm.subarray(c, b + bodySize));
        q = b + bodySize;
      }
      return out;
    }
    at = p + size;
  }
  return [];
}

const startsWithMark = (code) => MARK.every((b, i) => code[i] === b);

test('a marked module starts every body with the mark and computes the same', async () => {
  const { wasm, functions, marked } = simdMark(SMALL);
  assert.equal(functions, 2);
  assert.equal(marked, 2);
  assert.equal(wasm.length, SMALL.length + 2 * MARK.length);
  assert.ok(bodies(wasm).every(startsWithMark));
  assert.ok(!bodies(SMALL).some(startsWithMark));
  const before = (await WebAssembly.instantiate(SMALL)).instance.exports;
  const after = (await WebAssembly.instantiate(wasm)).instance.exports;
  assert.equal(after.sum(100), before.sum(100));
  assert.equal(after.sum(100), 5050);
  assert.equal(after.seven(), 7);
});

test('marking twice changes nothing; what is not wasm is refused', () => {
  const once = simdMark(SMALL).wasm;
  const twice = simdMark(once);
  assert.equal(twice.marked, 0);
  assert.deepEqual(twice.wasm, once);
  assert.throws(() => simdMark(new TextEncoder().encode('not wasm at all')), /not a wasm module/);
  assert.throws(() => simdMark(SMALL.subarray(0, SMALL.length - 3)), /past the end/);
});

test('each built wasm (crate/build-wasm.sh) has every function marked', async (t) => {
  for (const build of ['simd', 'simd-relaxed', 'simd-threads', 'simd-threads-relaxed']) {
    const file = `${repo}/www/pkg/${build}/effnet_bg.wasm`;
    const integrity = `${repo}/www/pkg/${build}/integrity.json`;
    if (!existsSync(file) || JSON.parse(readFileSync(integrity, 'utf8')).unbuilt) {
      t.diagnostic(`${build}: not built`);
      continue;
    }
    const wasm = readFileSync(file);
    const all = bodies(wasm);
    const unmarked = all.filter((b) => !startsWithMark(b)).length;
    assert.equal(unmarked, 0, `${build}: ${unmarked} of ${all.length} functions lack the SIMD mark (run crate/build-wasm.sh)`);
    // still valid, where this Node can compile the build (Node 20 has relaxed SIMD only behind
    // a flag; the browsers compile those in the browser and engine steps)
    if (!build.includes('relaxed') || (await relaxedSimd())) await WebAssembly.compile(wasm);
    else t.diagnostic(`${build}: marked; not compiled (this Node has no relaxed SIMD)`);
  }
});
