// What every tagger test file (tests/browser/tagger-*.test.mjs) shares: a server for the
// test bundle (dist-test/), a second origin the page must not reach, one headless chromium with
// a fresh profile (so IndexedDB and the origin-private file system start empty), the photo
// folders, and the helpers that drive the page.
//
//   const t = taggerSession({ album: true });   // registers the before/after hooks
//   test('...', async () => { const page = await t.openTagger(); await tagFolder(page, t.album); ... });
//   testPrivacy(t);                              // last: checks every request the file made
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../www/serve.mjs';
import { launch, recordRequests } from '../../tools/chromium.mjs';

export const repo = fileURLToPath(new URL('../..', import.meta.url));
export const artifacts = `${repo}/tests/artifacts`;
const fixtures = `${repo}/tests/fixtures`;
const venv = process.env.EFFNET_VENV || join(repo, '.venv');
const photoScript = `${repo}/tools/tagger_photos.py`;
const mounts = { '/': `${repo}/dist-test` };

/** Photos in the generated album (tools/tagger_photos.py e2e); one of them is truncated.jpg. */
export const IMAGES = 44;
/** The album's broken photo's reason, as the tagger reports it (after its path, not naming it again). */
export const TRUNCATED = /^the JPEG file is truncated: it ends before its image does \(\d+ bytes\)$/;

/**
 * Starts the servers and the browser before the file's tests and stops them after.
 * Folders, in a temp dir of the file's own: `extra` and `more` (two photos each: astronaut
 * and rocket), and with `album: true` the 44-photo album (rotations, crops, grayscale, a PNG
 * with alpha, a 6000x4000 JPEG, an EXIF-rotated one, a truncated one, a text file).
 * `setup(t)` runs last in the same `before` hook (a second top-level `before` would not wait
 * for this one: Node 20 runs top-level hooks as they are registered).
 * The returned object's fields are set once the `before` hook has run.
 */
export function taggerSession({ album = false, setup } = {}) {
  const t = {
    server: null, // the tagger's origin
    other: null, // another origin the page must not be able to reach (its CSP forbids it)
    otherLog: [], // requests that reached `other`
    browser: null,
    requests: [], // every request of every page and worker of this file
    work: null,
    album: null,
    extra: null,
    more: null,
    openTagger: (init, opts) => openTagger(t, init, opts),
  };
  before(async () => {
    await mkdir(artifacts, { recursive: true });
    t.work = await mkdtemp(join(tmpdir(), 'effnet-tagger-'));
    if (album) {
      t.album = join(t.work, 'album');
      await cp(await generatedAlbum(), t.album, { recursive: true });
    }
    t.extra = join(t.work, 'extra');
    t.more = join(t.work, 'more');
    for (const [dir, suffix] of [[t.extra, 'extra'], [t.more, 'more']]) {
      await mkdir(dir);
      await copyFile(`${fixtures}/astronaut.png`, join(dir, `astronaut-${suffix}.png`));
      await copyFile(`${fixtures}/rocket.jpg`, join(dir, `rocket-${suffix}.jpg`));
    }
    t.server = await serve({ port: 0, mounts });
    t.other = await serve({ port: 0, mounts, log: (l) => t.otherLog.push(l) });
    t.browser = await launch();
    t.requests = recordRequests(t.browser.context);
    // tools/page-hooks.js in every page: `liveObjectUrls()` counts object URLs created and not revoked
    await t.browser.context.addInitScript({ path: fileURLToPath(new URL('../../tools/page-hooks.js', import.meta.url)) });
    await setup?.(t);
  });
  after(async () => {
    await t.browser?.close();
    t.server?.close();
    t.other?.close();
    if (t.work) await rm(t.work, { recursive: true, force: true });
  });
  return t;
}

/**
 * The album made by tools/tagger_photos.py, generated once per version of the script and the
 * fixtures (cached in the temp dir under their hash); each test file copies it, as tests
 * add and touch photos in their copy.
 */
async function generatedAlbum() {
  const hash = createHash('sha256').update(await readFile(photoScript));
  for (const dir of [fixtures, `${fixtures}/odd`]) {
    for (const e of (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort()) {
      hash.update(e).update(await readFile(join(dir, e)));
    }
  }
  const cache = join(tmpdir(), `effnet-tagger-album-${hash.digest('hex').slice(0, 16)}`);
  const done = await stat(join(cache, 'count')).then(() => true, () => false);
  if (!done) {
    const fresh = await mkdtemp(`${cache}.tmp-`);
    const made = spawnSync(join(venv, 'bin/python'), [photoScript, 'e2e', join(fresh, 'album')], { encoding: 'utf8' });
    assert.equal(made.status, 0, `making the photos failed: ${made.error ?? made.stderr}`);
    await writeFile(join(fresh, 'count'), made.stdout.trim());
    // another test file may have made it meanwhile: then its copy stays
    await rename(fresh, cache).catch(() => rm(fresh, { recursive: true, force: true }));
  }
  assert.equal(Number(await readFile(join(cache, 'count'), 'utf8')), IMAGES);
  return join(cache, 'album');
}

/**
 * A new page of the tagger, once its model is ready.
 * @param {Function} [init] a script run in the page before its own (page.addInitScript)
 * @param {{choosers?: object[]}} [opts] `choosers` collects the file choosers the page opens
 */
async function openTagger(t, init, { choosers } = {}) {
  const page = await t.browser.context.newPage();
  // Playwright turns chooser interception on asynchronously: a chooser opened right after
  // waitForEvent('filechooser') can slip past it (seen in CI), so listen before the page loads.
  if (choosers) page.on('filechooser', (c) => choosers.push(c));
  page.errors = []; // uncaught errors and unhandled rejections
  page.on('pageerror', (e) => {
    console.log(`[pageerror] ${e.message}`);
    page.errors.push(e.message);
  });
  if (init) await page.addInitScript(init);
  await page.goto(`${t.server.url}/tagger/`);
  await page.waitForSelector('body[data-model="ready"]', { timeout: 60_000 });
  return page;
}

/** Sets the folder on the webkitdirectory input and waits for the run to end; returns the summary. */
export async function tagFolder(page, dir, { until = ['done'] } = {}) {
  await page.evaluate(() => delete document.body.dataset.state);
  await page.setInputFiles('#folder-input', dir);
  await page.waitForFunction((states) => states.includes(document.body.dataset.state), until, { timeout: 240_000 });
  return page.textContent('#summary');
}

/** Types `q` in the search box; returns the cards shown, in order. */
export async function search(page, q) {
  await page.fill('#search', q);
  return page.$$eval('#grid .photo', (bs) => bs.map((b) => ({ path: b.dataset.path, label: b.querySelector('.label').textContent, score: b.querySelector('.score').textContent })));
}

/** Waits for the library of earlier visits to be shown; returns its number of records. */
export async function libraryShown(page) {
  await page.waitForFunction(() => document.body.dataset.library !== undefined, null, { timeout: 30_000 });
  return Number(await page.evaluate(() => document.body.dataset.library));
}

/** Writes fixture photos into a new folder of the origin-private file system (in the page). */
export async function opfsFolder(page, name, files) {
  const photos = [];
  for (const f of files) photos.push({ name: f, bytes: [...(await readFile(`${fixtures}/${f}`))] });
  await page.evaluate(
    async ({ name, photos }) => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true });
      for (const p of photos) {
        const w = await (await dir.getFileHandle(p.name, { create: true })).createWritable();
        await w.write(new Uint8Array(p.bytes));
        await w.close();
      }
    },
    { name, photos },
  );
}

/** The file names in a folder of the origin-private file system, sorted. */
export const opfsListing = (page, name) =>
  page.evaluate(async (name) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(name);
    const names = [];
    for await (const n of dir.keys()) names.push(n);
    return names.sort();
  }, name);

/**
 * Registers the file's last test: the CSP keeps the page from other origins, and every request
 * the file's tests made (pages and workers, every flow above it) was a same-origin GET of a
 * static file or the model, with no photo's name, query string or bytes in it.
 */
export function testPrivacy(t) {
  test('privacy: the CSP blocks other origins; every request was a same-origin GET of a static file or the model', async () => {
    // the CSP is the page's own (a meta tag): no need to wait for the model
    const page = await t.browser.context.newPage();
    await page.goto(`${t.server.url}/tagger/`);
    const blocked = await page.evaluate((url) => fetch(url).then(() => 'reached', (e) => e.name), `${t.other.url}/tagger/`);
    assert.equal(blocked, 'TypeError');
    assert.deepEqual(t.otherLog, [], 'nothing reached the other origin');
    await page.close();

    const { requests, server } = t;
    assert.ok(requests.length > 10);
    const network = requests.filter((r) => !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
    const foreign = network.filter((r) => !r.url.startsWith(server.url + '/'));
    assert.deepEqual(foreign.map((r) => r.url), []);
    const withBody = network.filter((r) => r.method !== 'GET' || (r.body && r.body.length));
    assert.deepEqual(withBody.map((r) => `${r.method} ${r.url}`), []);
    const paths = [...new Set(network.map((r) => new URL(r.url).pathname))];
    console.log(`requested: ${paths.join(' ')}`);
    // the service worker (sw.js) fetches the whole app shell on install, the demo's pages too
    const staticFile = /^\/(tagger\/|tagger\/(index\.html|style\.css)|theme\.css|tagger\.js|sw\.js|index\.html|style\.css|demo\.js|harness\.(html|js)|[\w-]+\.[0-9a-f]{8}\.js|assets\/[\w-]+\.[0-9a-f]{8}\.(wasm|onnx|js))$/;
    assert.deepEqual(paths.filter((p) => !staticFile.test(p)), []);
    assert.equal(paths.filter((p) => p.endsWith('.onnx')).length, 1, 'the model, once per URL');
    // no photo or folder name, no query string, no image bytes went out
    assert.ok(!network.some((r) => /chelsea|coffee|rocket|astronaut|album|holiday|locked|dropped|lost|refused|extra|more/.test(r.url) || new URL(r.url).search));
  });
}
