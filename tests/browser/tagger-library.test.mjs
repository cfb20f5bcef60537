// The tagger's library (IndexedDB) after the 44-photo album has been tagged once: export as
// JSON and CSV, a photo that failed for a passing reason retried, resuming the same folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { IMAGES, TRUNCATED, libraryShown, repo, search, tagFolder, taggerSession, testPrivacy } from './tagger-fixture.mjs';

// the library every test starts from: the album, tagged (the tests leave it so, but the last)
const t = taggerSession({
  album: true,
  async setup(t) {
    const page = await t.openTagger();
    assert.match(await tagFolder(page, t.album), /^Done: 43 new photos tagged, 1 failed in .*; 0 photos already tagged\.$/);
    await page.close();
  },
});

test('export: JSON and CSV downloads hold every photo with tags, scores, model id and version', async () => {
  const page = await t.openTagger();
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
  assert.equal(lines[0], 'file,path,size,last_modified,label,label_score,tags,top5,taught_tags,model,model_version,error');
  assert.equal(lines.length, 45);
  const coffee = lines.find((l) => l.startsWith('coffee.png,album/kitchen/coffee.png,'));
  assert.match(coffee, /,espresso,0\.9\d+,[^,]*drink:0\.9\d+[^,]*,espresso:0\.9\d+(;[\w ]+:0\.\d+){4},,efficientnet-lite0,sha256:[0-9a-f]{16},$/);
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

test('retry: a photo that failed for a passing reason (the worker crashed) is classified again; the truncated one is not', async () => {
  const page = await t.openTagger();
  const records = await libraryShown(page);
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
  await page.waitForFunction((n) => document.body.dataset.library === n, String(records));
  const failures = () => page.$$eval('#failures li', (lis) => lis.map((l) => l.dataset.path).sort());
  assert.deepEqual(await failures(), ['album/cats/chelsea.png', 'album/odd/truncated.jpg']);
  assert.match(await tagFolder(page, t.album), new RegExp(`^Done: 1 new photo tagged in .*; ${IMAGES - 1} photos already tagged\\.$`));
  assert.deepEqual(await failures(), ['album/odd/truncated.jpg'], 'the retried photo left the failures');
  assert.ok((await search(page, 'cat')).some((c) => c.path === 'album/cats/chelsea.png'));
  await page.close();
});

// adds a photo to the album and changes another: the file's last test that needs the album as made
test('resume: the same folder again classifies nothing; a new and a changed photo are the only ones classified', async () => {
  const page = await t.openTagger();
  const before = await page.locator('#grid .photo').count();
  assert.equal(before, 43, 'the library is shown on opening the page');
  assert.match(await tagFolder(page, t.album), /^Done: 0 new photos tagged in .*; 44 photos already tagged\.$/);
  assert.equal(await page.evaluate(() => document.body.dataset.newlyTagged), '0');
  await copyFile(`${repo}/tests/fixtures/astronaut.png`, join(t.album, 'misc/new-astronaut.png'));
  const changed = join(t.album, 'kitchen/coffee.png');
  await utimes(changed, new Date(), new Date(Date.now() + 5000));
  const summary = await tagFolder(page, t.album);
  assert.match(summary, /^Done: 2 new photos tagged in .*; 43 photos already tagged\.$/);
  assert.equal(await page.locator('#grid .photo').count(), 44, 'the new photo is added, the changed one replaced');
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.library === '45', null, { timeout: 30_000 });
  assert.equal(await page.locator('#grid .photo').count(), 44, 'the stored results agree');
  await page.close();
});

testPrivacy(t);
