// Marks every function of a wasm module as a SIMD function: `v128.const 0; drop` at the start of
// each body (19 bytes a function, nothing else changes: no index, no local, no other section).
//
// Why: JavaScriptCore (WebKitGTK 2.50.6) runs a function without SIMD in its interpreter (IPInt)
// first and moves a running loop into the BBQ JIT's code when that code is ready (loop OSR); a
// function with SIMD is compiled by BBQ before its first call and never enters IPInt. The rare
// trap of a fresh instance (docs/performance.md, "JavaScriptCore's trap, found") comes with
// that loop OSR: off (`JSC_useWasmIPIntLoopOSR=false`, or IPInt off) it is gone. A module whose
// every function uses SIMD never takes the interpreter's loop OSR. Other engines drop the dead
// constant; the build requires SIMD anyway.
//
//   node tools/simd-mark.mjs in.wasm [out.wasm]     (out defaults to in; crate/build-wasm.sh runs it)
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

// v128.const (0xfd 12) with sixteen zero bytes, then drop (0x1a)
export const MARK = Uint8Array.from([0xfd, 0x0c, ...new Array(16).fill(0), 0x1a]);

function readU32(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    if (b === undefined) throw new Error('wasm: a LEB128 number runs past the end');
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
    if (shift > 35) throw new Error('wasm: a LEB128 number is too long');
  }
}

// a signed LEB128 (a heap type's s33): only skipped
function skipLeb(bytes, at) {
  while (bytes[at++] & 0x80) if (at > bytes.length) throw new Error('wasm: a LEB128 number runs past the end');
  return at;
}

function u32(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** The offset of a function body's first instruction (past its local declarations). */
function codeStart(body) {
  let [groups, at] = readU32(body, 0);
  for (let g = 0; g < groups; g++) {
    [, at] = readU32(body, at); // how many locals
    const type = body[at++];
    if (type === 0x63 || type === 0x64) at = skipLeb(body, at); // (ref null? ht)
  }
  return at;
}

/**
 * @param {Uint8Array} wasm a module
 * @returns {{wasm: Uint8Array, functions: number, marked: number}} the module with MARK at the start of every
 *   function body not already starting with it (so marking twice changes nothing)
 */
export function simdMark(wasm) {
  const bytes = wasm instanceof Uint8Array ? wasm : new Uint8Array(wasm);
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new Error('not a wasm module');
  const parts = [bytes.subarray(0, 8)];
  let at = 8;
  let functions = 0;
  let marked = 0;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, payload] = readU32(bytes, at + 1);
    const end = payload + size;
    if (end > bytes.length) throw new Error(`wasm: section ${id} runs past the end`);
    if (id !== 10) {
      parts.push(bytes.subarray(at, end));
      at = end;
      continue;
    }
    const out = [];
    let [count, p] = readU32(bytes, payload);
    out.push(Uint8Array.from(u32(count)));
    for (let f = 0; f < count; f++) {
      const [bodySize, bodyAt] = readU32(bytes, p);
      const body = bytes.subarray(bodyAt, bodyAt + bodySize);
      const start = codeStart(body);
      functions++;
      const already = MARK.every((b, i) => body[start + i] === b);
      if (already) {
        out.push(bytes.subarray(p, bodyAt + bodySize));
      } else {
        out.push(Uint8Array.from(u32(bodySize + MARK.length)), body.subarray(0, start), MARK, body.subarray(start));
        marked++;
      }
      p = bodyAt + bodySize;
    }
    if (p !== end) throw new Error('wasm: the code section has bytes past its last function');
    const length = out.reduce((n, b) => n + b.length, 0);
    parts.push(Uint8Array.from([10, ...u32(length)]), ...out);
    at = end;
  }
  const total = parts.reduce((n, b) => n + b.length, 0);
  const result = new Uint8Array(total);
  let o = 0;
  for (const b of parts) {
    result.set(b, o);
    o += b.length;
  }
  return { wasm: result, functions, marked };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [input, output = input] = process.argv.slice(2);
  if (!input) {
    console.error('usage: node tools/simd-mark.mjs in.wasm [out.wasm]');
    process.exit(2);
  }
  const { wasm, functions, marked } = simdMark(await readFile(input));
  await writeFile(output, wasm);
  console.log(`simd-mark: ${marked} of ${functions} functions marked (${wasm.length} bytes)`);
}
