// Records each wasm build's size and sha256 next to it (www/pkg/<build>/integrity.json), for
// `cacheRuntime: true` (www/src/worker/wasm-bytes.js), which checks the wasm it downloads or
// reads from the Cache API against it before compiling. Run after crate/build-wasm.sh.
//   node tools/wasm-integrity.mjs
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BUILDS = ['simd', 'simd-relaxed', 'simd-threads', 'simd-threads-relaxed'];
const pkg = fileURLToPath(new URL('../www/pkg/', import.meta.url));

/** { build, bytes, sha256 } of one built wasm file's bytes. */
export function integrityOf(build, bytes) {
  return { build, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const build of BUILDS) {
    const wasm = `${pkg}${build}/effnet_bg.wasm`;
    if (!existsSync(wasm)) {
      // a partial build (build-wasm.sh simd): bundling the library then says which file is missing
      console.warn(`wasm-integrity: ${build}: not built (${wasm} is missing)`);
      continue;
    }
    const out = integrityOf(build, readFileSync(wasm));
    writeFileSync(`${pkg}${build}/integrity.json`, JSON.stringify(out) + '\n');
    console.log(`wasm-integrity: ${build}: ${out.bytes} bytes, sha256 ${out.sha256.slice(0, 12)}…`);
  }
}
