// Debian's chromium driven by playwright-core (no browser download), headless and offline.
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** A fresh browser with its own profile; `close()` removes the profile too. `ignoreDefaultArgs`:
 *  Playwright's switches to leave out (`--disable-back-forward-cache`). */
export async function launch({ args = [], ignoreDefaultArgs = [] } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'effnet-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...args,
    ],
    ignoreDefaultArgs,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Records every request a page (and its workers) makes. */
export function recordRequests(context) {
  const log = [];
  context.on('request', (r) => log.push({ url: r.url(), method: r.method(), body: r.postDataBuffer() }));
  return log;
}
