// The photo tagger (www/tagger/) end to end in headless chromium: a folder of 44 generated
// photos (rotations, crops, grayscale, a PNG with alpha, a 6000x4000 JPEG, a truncated JPEG)
// is tagged through the folder input; tags, search, details, failures, export, resume,
// cancel, sidecar files and the privacy of the whole session are checked; so are the unhappy
// paths: a passing failure retried, photos picked during a run, unreadable files, a failed drop,
// IndexedDB missing or refusing writes, write permission refused, keyboard focus.
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
// the album's broken photo (tagger_photos.py), as the tagger reports it
const TRUNCATED = /^truncated\.jpg: the JPEG file is truncated: it ends before its image does \(\d+ bytes\)$/;

let server, other, browser, requests, work, album, extra, more;
const otherLog = [];
before(async () => {
  await mkdir(artifacts, { recursive: true });
  work = await mkdtemp(join(tmpdir(), 'effnet-tagger-'));
  album = join(work, 'album');
  const made = spawnSync(join(venv, 'bin/python'), [`${repo}/tests/browser/tagger_photos.py`, 'e2e', album], { encoding: 'utf8' });
  assert.equal(made.status, 0, `making the photos failed: ${made.error ?? made.stderr}`);
  assert.equal(Number(made.stdout.trim()), IMAGES);
  // two small folders of two photos each, for the runs beside the album
  extra = join(work, 'extra');
  more = join(work, 'more');
  for (const [dir, suffix] of [[extra, 'extra'], [more, 'more']]) {
    await mkdir(dir);
    await copyFile(`${repo}/tests/fixtures/astronaut.png`, join(dir, `astronaut-${suffix}.png`));
    await copyFile(`${repo}/tests/fixtures/rocket.jpg`, join(dir, `rocket-${suffix}.jpg`));
  }
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

/**
 * @param {Function} [init] a script run in the page before its own (page.addInitScript)
 * @param {{choosers?: object[]}} [opts] `choosers` collects the file choosers the page opens
 */
async function openTagger(init, { choosers } = {}) {
  const page = await browser.context.newPage();
  // Playwright turns chooser interception on asynchronously: a chooser opened right after
  // waitForEvent('filechooser') can slip past it (seen in CI), so listen before the page loads.
  if (choosers) page.on('filechooser', (c) => choosers.push(c));
  page.errors = []; // uncaught errors and unhandled rejections
  page.on('pageerror', (e) => {
    console.log(`[pageerror] ${e.message}`);
    page.errors.push(e.message);
  });
  if (init) await page.addInitScript(init);
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

  // the truncated file is listed with its reason; the text file was not an image
  const failures = await page.$$eval('#failures li', (lis) => lis.map((l) => l.textContent));
  assert.equal(failures.length, 1, failures.join(' | '));
  assert.match(failures[0], new RegExp(`^album/odd/truncated\\.jpg: ${TRUNCATED.source.slice(1)}`));
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
  assert.match(doc.photos.find((p) => p.file === 'truncated.jpg').error, TRUNCATED);

  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const lines = (await readFile(await csv.path(), 'utf8')).trimEnd().split('\r\n');
  assert.equal(lines[0], 'file,path,size,last_modified,label,label_score,tags,top5,model,model_version,error');
  assert.equal(lines.length, 45);
  const coffee = lines.find((l) => l.startsWith('coffee.png,album/kitchen/coffee.png,'));
  assert.match(coffee, /,espresso,0\.9\d+,[^,]*drink:0\.9\d+[^,]*,espresso:0\.9\d+(;[\w ]+:0\.\d+){4},efficientnet-lite0,sha256:[0-9a-f]{16},$/);
  assert.ok(lines.some((l) => l.startsWith('truncated.jpg,') && TRUNCATED.test(l.split(',').at(-1))));

  // the filtered view exports only what is shown: the photos with that tag, no failures (the page says so)
  assert.match(await page.textContent('.browse'), /exported \(with their reason\) only when no tag is searched/);
  await page.fill('#search', 'drink');
  const [some] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const shown = await page.locator('#grid .photo').count();
  const filtered = JSON.parse(await readFile(await some.path(), 'utf8')).photos;
  assert.equal(filtered.length, shown);
  assert.ok(!filtered.some((p) => p.error));
  // the download's URL is revoked on the next task and the old cards' thumbnails as the grid
  // re-renders: wait for that to settle, then none beyond the shown cards' may be left
  const settled = await page
    .waitForFunction((n) => liveObjectUrls() <= n, shown, { timeout: 5000 })
    .then(() => true, () => false);
  assert.equal(settled, true, `download URLs were revoked (${await page.evaluate(() => liveObjectUrls())} live, ${shown} cards)`);
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

test('retry: a photo that failed for a passing reason (the worker crashed) is classified again; the truncated one is not', async () => {
  const page = await openTagger();
  await page.waitForFunction(() => document.body.dataset.library === '45');
  // what a crash during an earlier run leaves: an error record with the current model's stamp
  await page.evaluate(
    () =>
      new Promise((ok, fail) => {
        const req = indexedDB.open('effnet-tagger');
        req.onerror = () => fail(req.error);
        req.onsuccess = () => {
          const tx = req.result.transaction('results', 'readwrite');
          const results = tx.objectStore('results');
          const get = results.index('path').get('album/cats/chelsea.png');
          get.onsuccess = () => {
            const { top5, label, thumb, timing, ...r } = get.result;
            results.put({ ...r, tags: [], error: { code: 'WORKER_CRASHED', message: 'the worker stopped' } });
          };
          tx.oncomplete = () => (req.result.close(), ok());
          tx.onerror = () => fail(tx.error);
        };
      }),
  );
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.library === '45');
  const failures = () => page.$$eval('#failures li', (lis) => lis.map((l) => l.dataset.path).sort());
  assert.deepEqual(await failures(), ['album/cats/chelsea.png', 'album/odd/truncated.jpg']);
  assert.match(await tagFolder(page, album), /^Done: 1 new photo tagged in .*; 44 photos already tagged\.$/);
  assert.deepEqual(await failures(), ['album/odd/truncated.jpg'], 'the retried photo left the failures');
  assert.ok((await search(page, 'cat')).some((c) => c.path === 'album/cats/chelsea.png'));
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

test('photos picked during a run are queued and tagged after it', async () => {
  const page = await openTagger();
  await page.click('#clear');
  await page.waitForFunction(() => document.querySelectorAll('#grid .photo').length === 0);
  await page.setInputFiles('#folder-input', album);
  await page.waitForFunction(() => /^([1-9]|1\d) \/ 45/.test(document.querySelector('#progress-text').textContent), null, { timeout: 60_000 });
  await page.setInputFiles('#files-input', [join(extra, 'astronaut-extra.png'), join(extra, 'rocket-extra.jpg')]);
  assert.equal(await page.isVisible('#queued'), true);
  assert.equal(await page.textContent('#queued'), 'A run is in progress: 2 more photos will be tagged after it.');
  await page.waitForFunction(() => /^Done: 2 new photos tagged in .*; 0 photos already tagged\.$/.test(document.querySelector('#summary').textContent), null, { timeout: 120_000 });
  assert.equal(await page.isVisible('#queued'), false);
  assert.equal(await page.locator('#grid .photo').count(), 44 + 2, 'the album (45 with its one failure) and the two picked during the run');
  assert.deepEqual(page.errors, []);
  await page.close();
});

/** Writes fixture photos into a new folder of the origin-private file system (in the page). */
async function opfsFolder(page, name, files) {
  const photos = [];
  for (const f of files) photos.push({ name: f, bytes: [...(await readFile(`${repo}/tests/fixtures/${f}`))] });
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
const opfsListing = (page, name) =>
  page.evaluate(async (name) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(name);
    const names = [];
    for await (const n of dir.keys()) names.push(n);
    return names.sort();
  }, name);

test('a folder from the picker with a file that cannot be read: the file is listed, the rest is tagged', async () => {
  const page = await openTagger();
  await opfsFolder(page, 'locked', ['chelsea.png', 'coffee.png']);
  await page.evaluate(async () => {
    const real = await (await navigator.storage.getDirectory()).getDirectoryHandle('locked');
    // coffee.png's handle refuses to give its file, as a file locked or moved meanwhile does
    const stub = Object.create(real, {
      values: {
        value: async function* () {
          for await (const h of real.values()) {
            yield h.name !== 'coffee.png' ? h : { kind: 'file', name: h.name, getFile: async () => Promise.reject(new DOMException('The file is locked.', 'NotReadableError')) };
          }
        },
      },
    });
    window.showDirectoryPicker = async () => ({ kind: 'directory', name: real.name, values: stub.values });
  });
  await page.click('#pick-folder');
  await page.waitForFunction(() => ['done', 'failed'].includes(document.body.dataset.state), null, { timeout: 60_000 });
  assert.match(await page.textContent('#summary'), /^Done: 1 new photo tagged in .*; 0 photos already tagged; 1 could not be read\.$/);
  assert.equal(await page.isVisible('#error'), false);
  const failures = await page.$$eval('#failures li', (lis) => lis.map((l) => l.textContent));
  assert.ok(failures.includes('locked/coffee.png: could not be read (NotReadableError: The file is locked.)'), failures.join(' | '));
  assert.ok((await search(page, 'cat')).some((c) => c.path === 'locked/chelsea.png'));
  await page.close();
});

test('dropped folders: an unreadable file is listed, the rest tagged; a folder that cannot be listed is reported', async () => {
  const page = await openTagger();
  const bytes = [...(await readFile(`${repo}/tests/fixtures/chelsea.png`))];
  // a stand-in for the DataTransfer of a drop (the entries API as chromium gives it)
  const drop = (fail) =>
    page.evaluate(
      ({ bytes, fail }) => {
        const file = new File([new Uint8Array(bytes)], 'chelsea.png', { type: 'image/png', lastModified: 1 });
        const fileEntry = (name, f) => ({ isFile: true, isDirectory: false, name, fullPath: `/dropped/${name}`, file: (ok, no) => (f ? ok(f) : no(new DOMException('A requested file could not be found.', 'NotFoundError'))) });
        const children = [fileEntry('chelsea.png', file), fileEntry('lost.jpg', null)];
        const folder = {
          isFile: false,
          isDirectory: true,
          name: 'dropped',
          fullPath: '/dropped',
          createReader: () => {
            let given = false;
            return { readEntries: (ok, no) => (fail ? no(new DOMException('The folder was moved.', 'NotFoundError')) : ok(given ? [] : ((given = true), children))) };
          },
        };
        const e = new Event('drop', { cancelable: true });
        Object.defineProperty(e, 'dataTransfer', { value: { items: [{ kind: 'file', webkitGetAsEntry: () => folder }], files: [] } });
        document.body.dataset.state = '';
        document.querySelector('#drop').dispatchEvent(e);
      },
      { bytes, fail },
    );
  await drop(false);
  await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
  assert.match(await page.textContent('#summary'), /^Done: 1 new photo tagged in .*; 0 photos already tagged; 1 could not be read\.$/);
  const failures = await page.$$eval('#failures li', (lis) => lis.map((l) => l.textContent));
  assert.ok(failures.includes('dropped/lost.jpg: could not be read (NotFoundError: A requested file could not be found.)'), failures.join(' | '));
  await drop(true);
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.textContent('#error'), 'The dropped items could not be read: The folder was moved.');
  assert.deepEqual(page.errors, [], 'no unhandled rejection');
  await page.close();
});

test('write permission refused: the page says so and writes nothing', async () => {
  const page = await openTagger();
  await opfsFolder(page, 'refused', ['chelsea.png']);
  await page.evaluate(async () => {
    const real = await (await navigator.storage.getDirectory()).getDirectoryHandle('refused');
    window.asked = [];
    // the picker's handle as a browser gives it for a read-only pick: the user says no when asked
    window.showDirectoryPicker = async () => ({
      kind: 'directory',
      name: real.name,
      values: () => real.values(),
      queryPermission: async () => 'prompt',
      requestPermission: async (o) => (window.asked.push(o.mode), 'denied'),
      getFileHandle: (...a) => (window.asked.push(`getFileHandle ${a[0]}`), real.getFileHandle(...a)),
    });
  });
  await page.click('#pick-folder');
  await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
  await page.click('#write-sidecars');
  await page.waitForFunction(() => /^Wrote/.test(document.querySelector('#export-status').textContent));
  assert.equal(await page.textContent('#export-status'), 'Wrote 0 tag files next to the photos; 1 failed (refused/chelsea.png: write permission was not given)');
  assert.deepEqual(await page.evaluate(() => window.asked), ['readwrite'], 'asked once, then nothing was opened for writing');
  assert.deepEqual(await opfsListing(page, 'refused'), ['chelsea.png']);
  await page.close();
});

test('IndexedDB refusing writes: the run goes on, the results stay in the page, a warning says so', async () => {
  const page = await openTagger();
  await page.waitForFunction(() => document.body.dataset.library !== undefined);
  const library = await page.evaluate(() => document.body.dataset.library);
  await page.evaluate(() => {
    IDBObjectStore.prototype.put = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  assert.match(await tagFolder(page, more, { until: ['done', 'failed'] }), /^Done: 2 new photos tagged in .*; 0 photos already tagged\.$/);
  assert.equal(await page.isVisible('#error'), false);
  assert.match(await page.textContent('#warning'), /^Results could not be saved in IndexedDB \(QuotaExceededError: The quota has been exceeded\.\): they are kept in this page only/);
  assert.ok((await search(page, 'missile')).some((c) => c.path === 'more/rocket-more.jpg'));
  await page.reload();
  await page.waitForFunction((n) => document.body.dataset.library === n, library);
  await page.close();
});

test('no IndexedDB: the page says so, naming it, and tags without keeping the results', async () => {
  const page = await openTagger(() => {
    // as with storage blocked by the browser's settings
    IDBFactory.prototype.open = () => {
      throw new DOMException('The user denied permission to access the database.', 'SecurityError');
    };
  });
  await page.waitForSelector('#warning:not([hidden])');
  assert.equal(
    await page.textContent('#warning'),
    'This browser does not let the page use IndexedDB (SecurityError: The user denied permission to access the database.), so results cannot be kept: photos are tagged for this visit only.',
  );
  assert.match(await tagFolder(page, extra, { until: ['done', 'failed'] }), /^Done: 2 new photos tagged in .*; 0 photos already tagged\.$/);
  // within the visit the results are known
  assert.match(await tagFolder(page, extra, { until: ['done', 'failed'] }), /^Done: 0 new photos tagged in .*; 2 photos already tagged\.$/);
  assert.equal(await page.locator('#grid .photo').count(), 2);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('keyboard: every control Tab reaches is visible and shows its focus; "Choose photos" opens the file chooser', async () => {
  const choosers = [];
  const page = await openTagger(undefined, { choosers });
  const reached = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    reached.push(
      await page.evaluate(() => {
        const el = document.activeElement;
        const r = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return { id: el.id || el.textContent.trim(), visible: style.opacity !== '0' && r.width > 4 && r.height > 4, outline: el.matches(':focus-visible') && style.outlineStyle !== 'none' };
      }),
    );
  }
  console.log(`Tab: ${reached.map((r) => r.id).join(' → ')}`);
  assert.deepEqual(reached.filter((r) => !r.visible || !r.outline), [], 'focus on something not seen, or without an outline');
  assert.ok(reached.some((r) => r.id === 'pick-files'), 'the "Choose photos" control is reached');
  await page.focus('#pick-files');
  assert.equal(choosers.length, 0);
  await page.keyboard.press('Enter');
  for (let t = 0; choosers.length === 0 && t < 100; t++) await page.waitForTimeout(100);
  assert.equal(choosers.length, 1, 'Enter on "Choose photos" opened one file chooser');
  assert.equal(choosers[0].isMultiple(), true);
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
  const staticFile = /^\/(tagger\/|tagger\/(index\.html|style\.css)|theme\.css|tagger\.js|[\w-]+\.[0-9a-f]{8}\.js|assets\/[\w-]+\.[0-9a-f]{8}\.(wasm|onnx|js))$/;
  assert.deepEqual(paths.filter((p) => !staticFile.test(p)), []);
  assert.equal(paths.filter((p) => p.endsWith('.onnx')).length, 1, 'the model, once per URL');
  // no photo name, no query string, no image bytes went out
  assert.ok(!network.some((r) => /chelsea|coffee|rocket|astronaut|album|holiday/.test(r.url) || new URL(r.url).search));
});
