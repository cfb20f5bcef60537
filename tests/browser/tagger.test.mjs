// The photo tagger (www/tagger/) end to end in headless chromium: a folder of 44 generated
// photos (rotations, crops, grayscale, a PNG with alpha, a 6000x4000 JPEG, a corrupt file)
// is tagged through the folder input; tags, search, details, failures, export, resume,
// cancel, sidecar files and the privacy of the whole session are checked.
// Writes tests/artifacts/tagger*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../www/serve.mjs';
import { launch, recordRequests } from './chromium.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const artifacts = `${repo}/tests/artifacts`;
const venv = process.env.EFFNET_VENV || join(repo, '.venv');
const mounts = { '/': `${repo}/dist-test` };
const IMAGES = 44;

let server, other, browser, requests, work, album;
const otherLog = [];
before(async () => {
  await mkdir(artifacts, { recursive: true });
  work = await mkdtemp(join(tmpdir(), 'effnet-tagger-'));
  album = join(work, 'album');
  const made = spawnSync(join(venv, 'bin/python'), [`${repo}/tests/browser/tagger_photos.py`, 'e2e', album], { encoding: 'utf8' });
  assert.equal(made.status, 0, `making the photos failed: ${made.error ?? made.stderr}`);
  assert.equal(Number(made.stdout.trim()), IMAGES);
  server = await serve({ port: 0, mounts });
  // another origin the page must not be able to reach (its CSP forbids it)
  other = await serve({ port: 0, mounts, log: (l) => otherLog.push(l) });
  browser = await launch();
  requests = recordRequests(browser.context);
  // counts live object URLs in every page: created minus revoked
  await browser.context.addInitScript(() => {
    const live = new Set();
    const create = URL.createObjectURL;
    const revoke = URL.revokeObjectURL;
    URL.createObjectURL = (o) => {
      const u = create(o);
      live.add(u);
      return u;
    };
    URL.revokeObjectURL = (u) => {
      live.delete(u);
      revoke(u);
    };
    globalThis.liveObjectUrls = () => live.size;
  });
});
after(async () => {
  await browser?.close();
  server?.close();
  other?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function openTagger() {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  await page.goto(`${server.url}/tagger/`);
  await page.waitForSelector('body[data-model="ready"]', { timeout: 60_000 });
  return page;
}

/** Sets the folder on the webkitdirectory input and waits for the run to end. */
async function tagFolder(page, dir, { until = ['done'] } = {}) {
  await page.evaluate(() => delete document.body.dataset.state);
  await page.setInputFiles('#folder-input', dir);
  await page.waitForFunction((states) => states.includes(document.body.dataset.state), until, { timeout: 240_000 });
  return page.textContent('#summary');
}

const search = async (page, q) => {
  await page.fill('#search', q);
  return page.$$eval('#grid .photo', (bs) => bs.map((b) => ({ path: b.dataset.path, label: b.querySelector('.label').textContent, score: b.querySelector('.score').textContent })));
};

let firstRunRecords;

test('a folder of 44 photos is tagged in the worker: progress, tags, search, details, failures', async () => {
  const page = await openTagger();
  assert.match(await page.textContent('#model-status'), /Model ready: .*2 threads/);
  await page.evaluate(() => {
    window.progressSeen = [];
    new MutationObserver(() => window.progressSeen.push(document.querySelector('#progress-text').textContent)).observe(
      document.querySelector('#progress-text'),
      { childList: true, characterData: true, subtree: true },
    );
    // the page stays responsive: the longest gap between animation frames during the run
    window.maxFrameGap = 0;
    let last = performance.now();
    const tick = (t) => {
      window.maxFrameGap = Math.max(window.maxFrameGap, t - last);
      last = t;
      if (document.body.dataset.state !== 'done') requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const t0 = Date.now();
  const summary = await tagFolder(page, album);
  const secs = (Date.now() - t0) / 1000;
  console.log(`${summary} (${(IMAGES / secs).toFixed(1)} images/s in the test)`);
  assert.match(summary, /^Done: 43 new photos tagged, 1 failed in .*; 0 photos already tagged\.$/);
  const seen = await page.evaluate(() => window.progressSeen);
  assert.ok(seen.some((t) => /^\d+ \/ 44 · \d+\.\d images\/s · .* left/.test(t)), seen.slice(0, 5).join(' | '));
  assert.equal(seen.at(-1).startsWith('44 / 44'), true, seen.at(-1));
  assert.equal(await page.getAttribute('progress', 'value'), '1');
  const gap = await page.evaluate(() => window.maxFrameGap);
  console.log(`longest frame gap during the run: ${gap.toFixed(0)} ms`);
  assert.ok(gap < 1000, `the page froze for ${gap} ms`);

  // the corrupt file is listed with its reason; the text file was not an image
  const failures = await page.$$eval('#failures li', (lis) => lis.map((l) => l.textContent));
  assert.deepEqual(failures, ["album/odd/corrupt.jpg: 'corrupt.jpg' is not an image this browser can decode"]);
  assert.equal(await page.locator('#grid .photo').count(), 43);

  // tags: WordNet hypernyms of the labels
  const cats = await search(page, 'cat');
  console.log(`"cat": ${cats.map((c) => `${c.path.split('/').pop()} ${c.label} ${c.score}`).join(', ')}`);
  const catPaths = cats.map((c) => c.path);
  // the cat photo and all its variants: rotated, mirrored, cropped, gray, small, stretched, with alpha
  assert.deepEqual(catPaths.filter((p) => p.includes('chelsea')).sort(), [
    'album/cats/chelsea-crop-centre.jpg', 'album/cats/chelsea-crop-corner.png', 'album/cats/chelsea-gray.jpg',
    'album/cats/chelsea-mirror.png', 'album/cats/chelsea-rot180.png', 'album/cats/chelsea-rot270.jpg', 'album/cats/chelsea-rot90.jpg',
    'album/cats/chelsea-small.png', 'album/cats/chelsea-wide.jpg', 'album/cats/chelsea.png', 'album/odd/chelsea-alpha.png',
  ]);
  assert.ok(!catPaths.some((p) => /coffee|rocket|astronaut/.test(p)), catPaths.join(', '));
  const scores = cats.map((c) => parseFloat(c.score));
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'most confident first');
  assert.equal((await search(page, 'animal')).length >= cats.length, true);
  const drinks = (await search(page, 'drink')).map((c) => c.path);
  for (const p of ['album/kitchen/coffee.png', 'album/odd/coffee-6000x4000.jpg', 'album/odd/coffee-exif-rotated.jpg']) assert.ok(drinks.includes(p), `${p} is a drink`);
  assert.ok((await search(page, 'food')).some((c) => c.path === 'album/kitchen/coffee.png'));
  const espresso = await search(page, 'espresso');
  assert.ok(espresso.some((c) => c.path === 'album/kitchen/coffee.png' && c.label === 'espresso'));
  const weapons = await search(page, 'weapon');
  assert.ok(weapons.some((c) => c.path === 'album/misc/rocket.png'), JSON.stringify(weapons));
  // type-ahead: the datalist offers the tags present, with counts
  const options = await page.$$eval('#tag-list option', (os) => os.map((o) => `${o.value}=${o.label}`));
  assert.ok(options.includes(`cat=${cats.length} photos`), options.join(', '));
  assert.ok(!options.some((o) => /^(entity|whole|object)=/.test(o)));
  // ascending order
  await page.fill('#search', 'cat');
  await page.selectOption('#sort', 'asc');
  const asc = await page.$$eval('#grid .photo .score', (s) => s.map((x) => parseFloat(x.textContent)));
  assert.deepEqual(asc, [...scores].reverse());
  await page.selectOption('#sort', 'desc');

  // details by keyboard: focus the first cat, Enter, the top-5 and tags; Escape closes
  await page.focus('#grid .photo');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#details[open]');
  assert.equal(await page.locator('#details .bars .bar').count(), 5);
  const tags = await page.$$eval('#details .tags li', (ls) => ls.map((l) => l.textContent));
  assert.ok(tags.some((t) => /^cat \d/.test(t)) && tags.some((t) => /^animal \d/.test(t)), tags.join(', '));
  await page.screenshot({ path: `${artifacts}/tagger-details.png` });
  await page.keyboard.press('Escape');
  assert.equal(await page.isVisible('#details'), false);

  await page.fill('#search', '');
  assert.equal(await page.textContent('#shown'), '43 photos tagged.');
  // thumbnails load as cards come into view: scroll through, then every card has one
  await page.evaluate(async () => {
    for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight / 2) {
      window.scrollTo(0, y);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    }
  });
  await page.waitForFunction(() => [...document.querySelectorAll('#grid img')].every((i) => i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${artifacts}/tagger.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${artifacts}/tagger-phone.png`, fullPage: true });
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth), false, 'no horizontal scrolling at phone width');
  firstRunRecords = 44;
  await page.close();
});

test('export: JSON and CSV downloads hold every photo with tags, scores, model id and version', async () => {
  assert.equal(firstRunRecords, 44, 'needs the first test');
  const page = await openTagger();
  await page.waitForFunction(() => document.body.dataset.library === '44');
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  assert.match(json.suggestedFilename(), /^photo-tags-\d{4}-\d\d-\d\d\.json$/);
  const doc = JSON.parse(await readFile(await json.path(), 'utf8'));
  assert.equal(doc.photos.length, 44);
  const chelsea = doc.photos.find((p) => p.path === 'album/cats/chelsea.png');
  assert.equal(chelsea.file, 'chelsea.png');
  assert.equal(chelsea.model, 'efficientnet-lite0');
  assert.match(chelsea.modelVersion, /^sha256:[0-9a-f]{16}$/);
  assert.equal(chelsea.label, 'tiger cat');
  assert.ok(chelsea.tags.some((t) => t.tag === 'cat' && t.score > 0.9));
  assert.equal(chelsea.top5.length, 5);
  assert.equal(doc.photos.find((p) => p.file === 'corrupt.jpg').error, "'corrupt.jpg' is not an image this browser can decode");

  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const lines = (await readFile(await csv.path(), 'utf8')).trimEnd().split('\r\n');
  assert.equal(lines[0], 'file,path,size,last_modified,label,label_score,tags,model,model_version,error');
  assert.equal(lines.length, 45);
  const coffee = lines.find((l) => l.startsWith('coffee.png,album/kitchen/coffee.png,'));
  assert.match(coffee, /,espresso,0\.9\d+,[^,]*drink:0\.9\d+[^,]*,efficientnet-lite0,sha256:[0-9a-f]{16},$/);

  // the filtered view exports only what is shown
  await page.fill('#search', 'drink');
  const [some] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const shown = await page.locator('#grid .photo').count();
  assert.equal(JSON.parse(await readFile(await some.path(), 'utf8')).photos.length, shown);
  assert.equal(await page.evaluate(() => liveObjectUrls()) <= shown, true, 'download URLs were revoked');
  await page.close();
});

test('resume: the same folder again classifies nothing; a new and a changed photo are the only ones classified', async () => {
  const page = await openTagger();
  const before = await page.locator('#grid .photo').count();
  assert.equal(before, 43, 'the library is shown on opening the page');
  assert.match(await tagFolder(page, album), /^Done: 0 new photos tagged in .*; 44 photos already tagged\.$/);
  assert.equal(await page.evaluate(() => document.body.dataset.newlyTagged), '0');
  await copyFile(`${repo}/tests/fixtures/astronaut.png`, join(album, 'misc/new-astronaut.png'));
  const changed = join(album, 'kitchen/coffee.png');
  await utimes(changed, new Date(), new Date(Date.now() + 5000));
  const summary = await tagFolder(page, album);
  assert.match(summary, /^Done: 2 new photos tagged in .*; 43 photos already tagged\.$/);
  assert.equal(await page.locator('#grid .photo').count(), 44, 'the new photo is added, the changed one replaced');
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.library === '45', null, { timeout: 30_000 });
  assert.equal(await page.locator('#grid .photo').count(), 44, 'the stored results agree');
  await page.close();
});

test('cancel stops the run; running again finishes only the rest; forgetting frees every object URL', async () => {
  const page = await openTagger();
  await page.click('#clear');
  await page.waitForFunction(() => document.querySelectorAll('#grid .photo').length === 0);
  assert.equal(await page.evaluate(() => liveObjectUrls()), 0, 'no object URL outlives the grid');
  await page.setInputFiles('#folder-input', album);
  await page.waitForFunction(() => /^[3-9] \/ 45/.test(document.querySelector('#progress-text').textContent), null, { timeout: 60_000 });
  await page.click('#cancel');
  await page.waitForSelector('body[data-state="cancelled"]', { timeout: 60_000 });
  const summary = await page.textContent('#summary');
  const done = Number(summary.match(/^Cancelled: (\d+) new photos tagged; (\d+) not tagged\.$/)?.[1]);
  assert.ok(done >= 3 && done < 45, summary);
  const again = await tagFolder(page, album);
  assert.match(again, new RegExp(`^Done: ${44 - done} new photos tagged, 1 failed in .*; ${done} photos already tagged\\.$`));
  await page.click('#clear');
  await page.waitForFunction(() => document.querySelectorAll('#grid .photo').length === 0);
  assert.equal(await page.evaluate(() => liveObjectUrls()), 0);
  await page.close();
});

test('a folder from showDirectoryPicker: tag files are written next to the photos only when asked', async () => {
  const page = await openTagger();
  const photos = [];
  for (const name of ['chelsea.png', 'coffee.png']) photos.push({ name, bytes: [...(await readFile(`${repo}/tests/fixtures/${name}`))] });
  // a real directory handle, from the origin-private file system, stands in for the picker
  await page.evaluate(async (photos) => {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle('holiday', { create: true });
    for (const p of photos) {
      const w = await (await dir.getFileHandle(p.name, { create: true })).createWritable();
      await w.write(new Uint8Array(p.bytes));
      await w.close();
    }
    window.showDirectoryPicker = async () => dir;
  }, photos);
  await page.click('#pick-folder');
  await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
  const listing = () =>
    page.evaluate(async () => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('holiday');
      const names = [];
      for await (const n of dir.keys()) names.push(n);
      return names.sort();
    });
  assert.deepEqual(await listing(), ['chelsea.png', 'coffee.png'], 'nothing written before the user asks');
  await page.click('#write-sidecars');
  await page.waitForFunction(() => /^Wrote/.test(document.querySelector('#export-status').textContent));
  assert.equal(await page.textContent('#export-status'), 'Wrote 2 tag files next to the photos.');
  assert.deepEqual(await listing(), ['chelsea.png', 'chelsea.png.tags.json', 'coffee.png', 'coffee.png.tags.json']);
  const side = await page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('holiday');
    return JSON.parse(await (await (await dir.getFileHandle('chelsea.png.tags.json')).getFile()).text());
  });
  assert.ok(side['dc:subject'].includes('cat') && side['dc:subject'].includes('animal'), side['dc:subject'].join(', '));
  assert.equal(side.effnet.path, 'holiday/chelsea.png');
  await page.close();
});

test('privacy: the CSP blocks other origins; every request was a same-origin GET of a static file or the model', async () => {
  const page = await openTagger();
  const blocked = await page.evaluate((url) => fetch(url).then(() => 'reached', (e) => e.name), `${other.url}/tagger/`);
  assert.equal(blocked, 'TypeError');
  assert.deepEqual(otherLog, [], 'nothing reached the other origin');
  await page.close();

  assert.ok(requests.length > 10);
  const network = requests.filter((r) => !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
  const foreign = network.filter((r) => !r.url.startsWith(server.url + '/'));
  assert.deepEqual(foreign.map((r) => r.url), []);
  const withBody = network.filter((r) => r.method !== 'GET' || (r.body && r.body.length));
  assert.deepEqual(withBody.map((r) => `${r.method} ${r.url}`), []);
  const paths = [...new Set(network.map((r) => new URL(r.url).pathname))];
  console.log(`requested: ${paths.join(' ')}`);
  const staticFile = /^\/(tagger\/|tagger\/(index\.html|style\.css)|tagger\.js|[\w-]+\.[0-9a-f]{8}\.js|assets\/[\w-]+\.[0-9a-f]{8}\.(wasm|onnx|js))$/;
  assert.deepEqual(paths.filter((p) => !staticFile.test(p)), []);
  assert.equal(paths.filter((p) => p.endsWith('.onnx')).length, 1, 'the model, once per URL');
  // no photo name, no query string, no image bytes went out
  assert.ok(!network.some((r) => /chelsea|coffee|rocket|astronaut|album|holiday/.test(r.url) || new URL(r.url).search));
});
