// Debian's chromium driven by playwright-core (no browser download), headless and offline.
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// what the library warns when it replaces its worker (www/src/client/classifier.js RESTART_WARNING)
const RESTART = 'effnet-wasm: the classifier worker was replaced';

/** A fresh browser with its own profile; `close()` removes the profile too. `ignoreDefaultArgs`:
 *  Playwright's switches to leave out (`--disable-back-forward-cache`).
 *  A worker the library replaced in any page fails the test file: `close()` throws, naming it,
 *  unless the test caused it and said so first (`causeRestarts(n)`). A restart is recovered
 *  from, so without this a crash or a hang that a retry covers would pass unseen. */
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
  let caused = 0;
  const unexpected = [];
  context.on('console', (m) => {
    if (m.type() !== 'warning' || !m.text().startsWith(RESTART)) return;
    if (caused > 0) caused--;
    else unexpected.push(`${m.page()?.url() ?? 'a worker'}: ${m.text()}`);
  });
  return {
    context,
    /** The next `n` restarts are the test's own doing (a trap it armed). */
    causeRestarts(n) {
      caused += n;
    },
    /** Restarts no test caused, so far. */
    unexpectedRestarts: () => [...unexpected],
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
      if (unexpected.length) throw new Error(`the library replaced its worker where no test caused it:\n${unexpected.join('\n')}`);
    },
  };
}

/** Records every request a page (and its workers) makes. */
export function recordRequests(context) {
  const log = [];
  context.on('request', (r) => log.push({ url: r.url(), method: r.method(), body: r.postDataBuffer() }));
  return log;
}
