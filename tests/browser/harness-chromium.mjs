// The harness page (tests/browser/harness.js, bundled into dist-test/ by `npx webpack --env
// out=dist-test`) in headless chromium, for the Chromium-only browser tests: registers the
// file's before/after hooks (the bundle served cross-origin isolated, and also without the
// headers when asked; one browser with its request log) and opens harness pages.
//   const h = harnessInChromium({ plain: true });
//   test('...', async () => { const page = await h.open(); ... await page.close(); });
import { before, after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serve } from '../../www/serve.mjs';
import { launch, recordRequests } from '../../tools/chromium.mjs';

export const repo = fileURLToPath(new URL('../..', import.meta.url));
export const mounts = { '/': `${repo}/dist-test`, '/fixtures/': `${repo}/tests/fixtures` };

/**
 * @param {{plain?: boolean}} [o] plain: a second server without cross-origin isolation (`h.plain`)
 * @returns {{isolated: any, plain: any, browser: any, requests: Array<{url: string, method: string, body: Buffer|null}>,
 *   open: (server?: any) => Promise<import('playwright-core').Page>}}
 */
export function harnessInChromium({ plain = false } = {}) {
  const h = {
    isolated: null,
    plain: null,
    browser: null,
    requests: null,
    /** A harness page on `server` (the isolated one by default), once its bundle has run. */
    async open(server = h.isolated) {
      const page = await h.browser.context.newPage();
      page.on('console', (m) => m.type() === 'error' && console.log(`[page] ${m.text()}`));
      await page.goto(`${server.url}/harness.html`);
      await page.waitForFunction(() => window.ready === true);
      return page;
    },
  };
  before(async () => {
    h.isolated = await serve({ port: 0, mounts });
    if (plain) h.plain = await serve({ port: 0, mounts, isolation: false });
    h.browser = await launch();
    h.requests = recordRequests(h.browser.context);
  });
  after(async () => {
    await h.browser?.close();
    h.isolated?.close();
    h.plain?.close();
  });
  return h;
}
