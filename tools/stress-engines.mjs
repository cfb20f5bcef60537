// Fresh engine instances, one after another, in each browser engine: every instance is a new
// ImageClassifier (a new worker, a new wasm instance; the model from the IndexedDB cache) that
// classifies a real photo and is disposed. Counts the traps (WORKER_CRASHED, with the reason
// crate/src/wasm/trap.rs recorded; a trap the library recovered from, by a fresh worker and the call
// run again, is counted too, marked `recovered`) and any other failure, a hang (no answer in
// 75 s) included. The page is reloaded every 25 instances.
//   node tools/stress-engines.mjs [--instances 300] [--engines chromium,firefox,webkit] [--json out.json]
// (`npm run stress:engines`; tests/engines/ runs a few in CI.) Needs `npm run build:test`.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { serve } from '../www/serve.mjs';
import { ENGINES, hooks, launchBrowser } from './browsers.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));

/**
 * @returns {Promise<{engine: string, version: string, instances: number, traps: {i: number, message: string}[], failures: {i: number, message: string}[], pageErrors: string[], backend: object, ms: number}>}
 */
// timeoutMs: past the client's own start timeouts and the replacements it then starts
// (client/classifier.js), so a start that hung and was replaced counts as a hung start, not as lost
export async function stress(engine, instances, { perPage = 25, timeoutMs = 75_000, parallel = 1, options = {}, busy = false, churn = 0, log = () => {} } = {}) {
  const server = await serve({ port: 0, mounts: { '/': `${repo}/dist-test`, '/fixtures/': `${repo}/tests/fixtures` }, inject: hooks });
  const browser = await launchBrowser(engine);
  const out = { engine, version: browser.version, instances: 0, traps: [], failures: [], slow: [], hungStarts: [], pageErrors: [], backend: null, ms: 0 };
  const t0 = Date.now();
  try {
    let page = null;
    for (let i = 0; i < instances; i += perPage) {
      if (page) {
        out.pageErrors.push(...(await page.errors()));
        await page.close();
      }
      page = await browser.newPage();
      await page.goto(`${server.url}/harness.html`);
      await page.waitForFunction(() => window.ready === true);
      const n = Math.min(perPage, instances - i);
      const r = await page.evaluate(async ({ n, first, timeoutMs, parallel, options, busy, churn }) => {
        const photo = await fixture('coffee.png');
        const spin = busy
          ? setInterval(() => {
              const end = performance.now() + 40;
              while (performance.now() < end);
            }, 20)
          : null;
        const traps = [];
        const failures = [];
        const slow = []; // starts past 30 s
        const hungStarts = [];
        let backend = null;
        const one = async (k) => {
          let clf = null;
          let phase = 'create';
          let timer;
          // an instance that hangs is a failure too, with the phase it stopped in
          const hung = new Promise((_, fail) => {
            timer = setTimeout(() => fail(Object.assign(new Error(`no answer within ${timeoutMs} ms, last phase: ${phase}`), { code: 'HUNG' })), timeoutMs);
          });
          try {
            const t0 = performance.now();
            const created = effnet.ImageClassifier.create({ ...options, model: 'efficientnet-lite0', onProgress: (e) => (phase = e.phase) });
            created.then((c) => (clf = c), () => {});
            clf = await Promise.race([created, hung]);
            const ms = performance.now() - t0;
            if (ms > 30_000) slow.push({ i: first + k, message: `started in ${(ms / 1000).toFixed(1)} s` });
            phase = 'classify';
            const c = await Promise.race([clf.classify(photo, { maxResults: 1 }), hung]);
            backend = c.backend;
            if (c.categories[0].label !== 'espresso') failures.push({ i: first + k, message: `top-1 ${c.categories[0].label}` });
          } catch (e) {
            (e.code === 'WORKER_CRASHED' ? traps : failures).push({ i: first + k, message: `${e.code}: ${e.message}` });
          } finally {
            // traps the library recovered from (the worker replaced, the call run again), and
            // starts that hung and were replaced (Firefox's pool start): not traps
            for (const r of clf?.restarts ?? []) {
              if (r.hung) hungStarts.push({ i: first + k, message: `${r.retried ? 'replaced' : 'not replaced'}: ${r.reason}`, recovered: r.retried });
              else if (r.retried) traps.push({ i: first + k, message: `recovered, during ${r.during}: ${r.reason}`, recovered: true });
            }
            clearTimeout(timer);
            clf?.dispose();
          }
        };
        // `parallel` lanes, each taking the next instance when its last one is done
        let next = 0;
        const lane = async () => {
          while (next < n) await one(next++);
        };
        let churning = churn > 0;
        const left = async () => {
          while (churning) {
            const frame = document.createElement('iframe');
            frame.src = '/harness.html';
            document.body.append(frame);
            await new Promise((ok) => frame.addEventListener('load', ok, { once: true }));
            while (frame.contentWindow?.ready !== true) await new Promise((ok) => setTimeout(ok, 20));
            frame.contentWindow.effnet.ImageClassifier.create({ ...options, model: 'efficientnet-lite0' }).catch(() => {});
            await new Promise((ok) => setTimeout(ok, 100 + Math.random() * 1500));
            frame.remove();
          }
        };
        const churners = Array.from({ length: churn }, left);
        await Promise.all(Array.from({ length: parallel }, lane));
        churning = false;
        await Promise.all(churners);
        clearInterval(spin);
        return { traps, failures, slow, hungStarts, backend };
      }, { n, first: i, timeoutMs, parallel, options, busy, churn });
      out.instances += n;
      out.traps.push(...r.traps);
      out.failures.push(...r.failures);
      out.slow.push(...r.slow);
      out.hungStarts.push(...r.hungStarts);
      out.backend ??= r.backend;
      log(`${engine}: ${out.instances}/${instances} instances, ${out.traps.length} traps, ${out.failures.length} other failures`);
      for (const t of [...r.traps, ...r.failures, ...r.slow, ...r.hungStarts]) log(`${engine}: instance ${t.i}: ${t.message}`);
    }
    if (page) {
      out.pageErrors.push(...(await page.errors()));
      await page.close();
    }
  } finally {
    out.ms = Date.now() - t0;
    await browser.close();
    server.close();
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      instances: { type: 'string', default: '300' },
      engines: { type: 'string', default: ENGINES.join(',') },
      parallel: { type: 'string', default: '1' },
      options: { type: 'string', default: '{}' },
      busy: { type: 'boolean', default: false },
      churn: { type: 'string', default: '0' },
      json: { type: 'string' },
    },
  });
  const results = [];
  for (const engine of values.engines.split(',')) {
    const r = await stress(engine, Number(values.instances), { parallel: Number(values.parallel), options: JSON.parse(values.options), busy: values.busy, churn: Number(values.churn), log: (l) => console.log(l) });
    console.log(`${engine} (${r.version}, ${r.backend?.build}, ${r.backend?.threads} threads): ${r.instances} instances in ${(r.ms / 1000).toFixed(0)} s, ${r.traps.length} traps (${r.traps.filter((t) => t.recovered).length} recovered), ${r.failures.length} other failures, ${r.hungStarts.length} hung starts (${r.hungStarts.filter((h) => h.recovered).length} replaced), ${r.slow.length} starts over 30 s, ${r.pageErrors.length} page errors`);
    results.push(r);
  }
  if (values.json) await writeFile(values.json, JSON.stringify(results, null, 2));
  process.exit(results.some((r) => r.traps.length || r.failures.length || r.pageErrors.length) ? 1 : 0);
}
