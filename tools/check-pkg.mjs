// `npm pack`'s guard (prepack): the four wasm builds in www/pkg/ must be wasm-release ones, the
// profile that ships. `npm start` leaves wasm-dev builds there (tools/start.mjs), larger and
// slower, which must not reach users: `npm run build:wasm` replaces them.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('../www/pkg/', import.meta.url));
const VARIANTS = ['simd', 'simd-threads', 'simd-relaxed', 'simd-threads-relaxed'];

const wrong = [];
for (const v of VARIANTS) {
  let size;
  try {
    size = JSON.parse(await readFile(`${pkg}${v}/size.json`, 'utf8'));
  } catch (e) {
    wrong.push(`${v}: not built (${e.code ?? e.message})`);
    continue;
  }
  // size.json without a profile: written before profiles existed, by wasm-release
  const profile = size.profile ?? 'wasm-release';
  if (profile !== 'wasm-release') wrong.push(`${v}: built in ${profile}`);
}
if (wrong.length) {
  console.error(`check-pkg: www/pkg/ is not what ships (${wrong.join('; ')}): run npm run build:wasm first`);
  process.exit(1);
}
