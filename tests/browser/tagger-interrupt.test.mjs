// Runs of the tagger that are cut short or overlap: a run cancelled and run again, photos
// picked while a run is going. Each test starts by forgetting the library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { IMAGES, tagFolder, taggerSession, testPrivacy } from './tagger-fixture.mjs';

const t = taggerSession({ album: true });

/** Forgets every result; waits for the grid to empty. */
async function forget(page) {
  await page.click('#clear');
  await page.waitForFunction(() => document.querySelectorAll('#grid .photo').length === 0);
}

test('cancel stops the run; running again finishes only the rest; forgetting frees every object URL', async () => {
  const page = await t.openTagger();
  await forget(page);
  assert.equal(await page.evaluate(() => liveObjectUrls()), 0, 'no object URL outlives the grid');
  await page.setInputFiles('#folder-input', t.album);
  await page.waitForFunction((n) => new RegExp(`^[3-9] / ${n}`).test(document.querySelector('#progress-text').textContent), IMAGES, { timeout: 60_000 });
  await page.click('#cancel');
  await page.waitForSelector('body[data-state="cancelled"]', { timeout: 60_000 });
  const summary = await page.textContent('#summary');
  const done = Number(summary.match(/^Cancelled: (\d+) new photos tagged; (\d+) not tagged\.$/)?.[1]);
  assert.ok(done >= 3 && done < IMAGES, summary);
  const again = await tagFolder(page, t.album);
  // the rest, less the truncated photo
  assert.match(again, new RegExp(`^Done: ${IMAGES - 1 - done} new photos tagged, 1 failed in .*; ${done} photos already tagged\\.$`));
  await forget(page);
  assert.equal(await page.evaluate(() => liveObjectUrls()), 0);
  await page.close();
});

test('photos picked during a run are queued and tagged after it', async () => {
  const page = await t.openTagger();
  await forget(page);
  await page.setInputFiles('#folder-input', t.album);
  await page.waitForFunction((n) => new RegExp(`^([1-9]|1\\d) / ${n}`).test(document.querySelector('#progress-text').textContent), IMAGES, { timeout: 60_000 });
  await page.setInputFiles('#files-input', [join(t.extra, 'astronaut-extra.png'), join(t.extra, 'rocket-extra.jpg')]);
  assert.equal(await page.isVisible('#queued'), true);
  assert.equal(await page.textContent('#queued'), 'A run is in progress: 2 more photos will be tagged after it.');
  await page.waitForFunction(() => /^Done: 2 new photos tagged in .*; 0 photos already tagged\.$/.test(document.querySelector('#summary').textContent), null, { timeout: 120_000 });
  assert.equal(await page.isVisible('#queued'), false);
  assert.equal(await page.locator('#grid .photo').count(), IMAGES - 1 + 2, `the album (${IMAGES} with its one failure) and the two picked during the run`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

testPrivacy(t);
