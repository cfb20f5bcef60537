// The tagger when IndexedDB refuses writes or is missing: the photos are still tagged, the
// page says why the results are not kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { libraryShown, search, tagFolder, taggerSession, testPrivacy } from './tagger-fixture.mjs';

const t = taggerSession();

test('IndexedDB refusing writes: the run goes on, the results stay in the page, a warning says so', async () => {
  const page = await t.openTagger();
  const library = String(await libraryShown(page));
  await page.evaluate(() => {
    IDBObjectStore.prototype.put = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  assert.match(await tagFolder(page, t.more, { until: ['done', 'failed'] }), /^Done: 2 new photos tagged in .*; 0 photos already tagged\.$/);
  assert.equal(await page.isVisible('#error'), false);
  assert.match(await page.textContent('#warning'), /^Results could not be saved in IndexedDB \(QuotaExceededError: The quota has been exceeded\.\): they are kept in this page only/);
  assert.ok((await search(page, 'missile')).some((c) => c.path === 'more/rocket-more.jpg'));
  // nothing was stored: the library is as it was
  await page.reload();
  await page.waitForFunction((n) => document.body.dataset.library === n, library);
  await page.close();
});

test('no IndexedDB: the page says so, naming it, and tags without keeping the results', async () => {
  const page = await t.openTagger(() => {
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
  assert.match(await tagFolder(page, t.extra, { until: ['done', 'failed'] }), /^Done: 2 new photos tagged in .*; 0 photos already tagged\.$/);
  // within the visit the results are known
  assert.match(await tagFolder(page, t.extra, { until: ['done', 'failed'] }), /^Done: 0 new photos tagged in .*; 2 photos already tagged\.$/);
  assert.equal(await page.locator('#grid .photo').count(), 2);
  assert.deepEqual(page.errors, []);
  await page.close();
});

testPrivacy(t);
