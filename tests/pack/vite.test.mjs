// `npm pack` installed into a fresh Vite app: its dev server and its production build
// (`vite build`, served by `vite preview`) each classify a photo in chromium, with threads
// under COOP/COEP. The app uses exactly the configuration README.md documents
// (tests/pack/vite-app/vite.config.js).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, cp, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, createServer, preview } from 'vite';
import { launch } from '../../tools/chromium.mjs';
import { installPacked, repo } from './packed.mjs';
import { autoThreads, pageCores } from '../browser/auto-threads.mjs';

const PHOTO = 'chelsea.png';
const reference = JSON.parse(await readFile(join(repo, 'tests/fixtures/reference.json'), 'utf8'))['efficientnet-lite0'].images;

let app, browser;
// vite prints its banner and build summary; the test's own lines say what ran
const quiet = { logLevel: 'warn', clearScreen: false };

before(async () => {
  app = await installPacked('effnet-vite-');
  await cp(join(repo, 'tests/pack/vite-app'), app.dir, { recursive: true });
  await mkdir(join(app.dir, 'public'));
  await copyFile(join(repo, 'tests/fixtures', PHOTO), join(app.dir, 'public', PHOTO));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await app?.remove();
});

/** What the app's page shows once it has classified the photo (or failed). */
async function classifyAt(url) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector('#out').textContent !== '…', null, { timeout: 90_000 });
    const shown = JSON.parse(await page.textContent('#out'));
    assert.deepEqual(errors, [], 'no page error');
    return { ...shown, ...(await pageCores(page)) };
  } finally {
    await page.close();
  }
}

function check(shown) {
  assert.equal(shown.error, undefined, 'the app classified');
  assert.equal(shown.isolated, true, 'the page is cross-origin isolated');
  assert.equal(shown.label, reference[PHOTO].top5[0][1], 'top-1 is the reference label');
  // threads under COOP/COEP wherever the machine has the cores for them (auto-threads.mjs)
  assert.equal(shown.threads, autoThreads(shown), `threads under COOP/COEP (${shown.threads}, build ${shown.build}, ${shown.claimed} cores claimed)`);
  assert.equal(shown.build, `simd${shown.threads > 1 ? '-threads' : ''}-relaxed`);
}

test('the Vite dev server serves an app that classifies, with threads where the cores allow', async () => {
  const server = await createServer({ ...quiet, root: app.dir, server: { host: '127.0.0.1', port: 0 } });
  await server.listen();
  try {
    const shown = await classifyAt(server.resolvedUrls.local[0]);
    console.log(`vite dev: ${JSON.stringify(shown)}`);
    check(shown);
  } finally {
    await server.close();
  }
});

test('a Vite production build, served by vite preview, classifies, with threads where the cores allow', async () => {
  await build({ ...quiet, root: app.dir });
  const server = await preview({ ...quiet, root: app.dir, preview: { host: '127.0.0.1', port: 0 } });
  try {
    const shown = await classifyAt(server.resolvedUrls.local[0]);
    console.log(`vite build + preview: ${JSON.stringify(shown)}`);
    check(shown);
  } finally {
    await new Promise((resolve) => server.httpServer.close(resolve));
  }
});
