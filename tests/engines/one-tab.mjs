// Pages visited one after another in one tab, with the back-forward cache on, as a person
// walks the site: a page left mid-load sits frozen in that cache with its worker, and what the
// worker holds (the model's Web Lock) must not stall the next page (www/src/shared/live-lock.js).
// WebKit kept the demo's worker paused holding the lock and the tagger waited for ever. Each
// engine's test file calls oneTabSuite; every page must be ready within READY_MS.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { serve } from '../../www/serve.mjs';
import { hooks, launchBrowser, missing } from '../../tools/browsers.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const READY_MS = 10_000;

// null-safe: polled while the tab is between two documents (history.back) too
const demoReady = () => document.body?.dataset.threads !== undefined;
const taggerReady = () => document.body?.dataset.model === 'ready';
// the demo has begun loading its model: the progress line says so
const demoLoading = () => /Downloading|Starting|Compiling|Loading/.test(document.querySelector('#progress-text')?.textContent ?? '');

/** @param {'chromium'|'firefox'|'webkit'} engine */
export function oneTabSuite(engine) {
  describe(`${engine}: pages one after another`, () => pagesInTurn(engine));
}

function pagesInTurn(engine) {
  const s = { browser: null, server: null };

  before(async () => {
    const why = missing(engine);
    assert.equal(why, null, why);
    s.server = await serve({ port: 0, mounts: { '/': `${repo}/dist-test` }, inject: hooks });
    s.browser = await launchBrowser(engine, { backForwardCache: true });
  });
  after(async () => {
    await s.browser?.close();
    s.server?.close();
  });

  /** Runs `how` and waits for `ready`, at most READY_MS; returns the time it took. */
  async function arrive(page, what, ready, how) {
    const t0 = Date.now();
    await how();
    await page.waitForFunction(ready, null, { timeout: READY_MS, interval: 50 }).catch(async (e) => {
      // what the page shows and who holds the locks: the diagnosis of a stall
      const state = await page
        .evaluate(async () => ({
          status: document.querySelector('#model-status, #progress-text')?.textContent,
          locks: await navigator.locks?.query(),
        }))
        .catch((err) => err.message);
      throw new Error(`${engine}: ${what} was not ready within ${READY_MS / 1000} s (${JSON.stringify(state)}): ${e.message}`);
    });
    const ms = Date.now() - t0;
    console.log(`${engine}: ${what}: ready in ${ms} ms`);
    assert.ok(ms <= READY_MS, `${engine}: ${what} took ${ms} ms, over ${READY_MS} ms`);
    return ms;
  }

  test(`${engine}: one tab, back-forward cache on: demo left mid-load → tagger, demo reload → tagger, tagger → demo, back, forward: each ready within ${READY_MS / 1000} s`, async () => {
    const page = await s.browser.newPage();
    const url = (path) => `${s.server.url}${path}`;
    // a fresh profile: the demo downloads the model, holding its lock, when it is left
    await page.goto(url('/'));
    await page.waitForFunction(demoLoading, null, { timeout: READY_MS, interval: 20 });
    await arrive(page, 'the tagger, after the demo was left mid-load', taggerReady, () => page.goto(url('/tagger/')));

    await page.goto(url('/'));
    await page.reload();
    await arrive(page, 'the tagger, right after a reload of the demo', taggerReady, () => page.goto(url('/tagger/')));

    await arrive(page, 'the demo, from the tagger', demoReady, () => page.goto(url('/')));
    await arrive(page, 'the tagger, back', taggerReady, () => page.goBack());
    await arrive(page, 'the demo, forward', demoReady, () => page.goForward());
    // Firefox reports a script load cut short by leaving the page (the demo left mid-load, on
    // purpose) as an error of the tab: "Failed to load ‘…’"; every page that stayed was ready,
    // its own scripts loaded
    const errors = (await page.errors()).filter((e) => !/^pageerror: Failed to load ‘[^’]+’\./.test(e));
    assert.deepEqual(errors, [], 'no uncaught error or unhandled rejection in the pages');
    await page.close();
  });

  // WebKit's second page is a second tab of MiniBrowser's window (tools/browsers.mjs), the first
  // one in the background, as a person opens a second tab
  test(`${engine}: two tabs at once, the demo and the tagger, each ready within ${READY_MS / 1000} s`, async () => {
    const [a, b] = [await s.browser.newPage(), await s.browser.newPage()];
    try {
      await Promise.all([
        arrive(a, 'the demo, beside the tagger', demoReady, () => a.goto(`${s.server.url}/`)),
        arrive(b, 'the tagger, beside the demo', taggerReady, () => b.goto(`${s.server.url}/tagger/`)),
      ]);
      for (const p of [a, b]) assert.deepEqual(await p.errors(), []);
    } finally {
      await a.close();
      await b.close();
    }
  });
}
