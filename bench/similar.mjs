// `npm run bench:similar`: the tagger's similar search (www/tagger/vectors.js) over N stored
// vectors (default 100,000) of 1280 int8 values (Lite0's embedding size), synthetic: random
// directions in clusters, as a collection holds many photos of a few scenes. Prints the
// bytes stored per photo, the index's size, the time of one top-10 query (median and p90 of
// 30) and the time of the duplicate grouping (www/tagger/duplicates.js, all pairs) over the
// first M vectors (default 2,000): in Node, and with --browser in headless chromium (the
// same module, bench/similar-core.mjs, in a page, which also measures what an embedding
// costs in IndexedDB). Asserts nothing.
//   node bench/similar.mjs [N] [M] [--js] [--browser]   (--js: the plain-JS loop, where wasm SIMD is missing)
import { measure } from './similar-core.mjs';

const args = process.argv.slice(2);
const [N = 100_000, M = 2_000] = args.filter((a) => !a.startsWith('--')).map(Number);
const wasm = !args.includes('--js');

if (!args.includes('--browser')) {
  console.log(`Node ${process.version}:`);
  for (const l of measure({ N, M, wasm })) console.log(l);
} else {
  const { serve } = await import('../www/serve.mjs');
  const { launch } = await import('../tools/chromium.mjs');
  const { fileURLToPath } = await import('node:url');
  const server = await serve({ port: 0, mounts: { '/src/': fileURLToPath(new URL('..', import.meta.url)) } });
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/src/package.json`);
    const lines = await page.evaluate(async (o) => (await import('/src/bench/similar-core.mjs')).measure(o), { N, M, wasm });
    console.log(`chromium ${browser.context.browser()?.version() ?? ''}:`);
    for (const l of lines) console.log(l);
    console.log(await page.evaluate(async () => (await import('/src/bench/similar-core.mjs')).idbCost()));
  } finally {
    await browser.close();
    server.close();
  }
}
