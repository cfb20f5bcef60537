// Is the +relaxed-simd build faster? Prints figures; asserts nothing.
//   node bench/relaxed.mjs   (after crate/build-wasm.sh simd simd-relaxed)
import { fileURLToPath } from 'node:url';
import { serve } from '../www/serve.mjs';
import { launch } from '../tests/browser/chromium.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const server = await serve({
  port: 0,
  mounts: { '/': `${repo}/bench`, '/pkg/': `${repo}/www/pkg`, '/fixtures/': `${repo}/tests/fixtures` },
});
const browser = await launch();
try {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error(e.message));
  await page.goto(`${server.url}/relaxed.html?runs=${process.env.RUNS || 50}`);
  const r = await page.waitForFunction(() => window.result, null, { timeout: 300_000 }).then((h) => h.jsonValue());
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const ratios = r.times[1].map((t, i) => t / r.times[0][i]);
  for (const [k, v] of r.variants.entries()) console.log(`${v.padEnd(14)} median ${med(r.times[k]).toFixed(2)} ms, top-1 ${r.top[k].label}`);
  console.log(`relaxed / plain, pair by pair: median ${med(ratios).toFixed(3)}; max |Δp| ${r.maxDiff.toExponential(2)}`);
} finally {
  await browser.close();
  server.close();
}
