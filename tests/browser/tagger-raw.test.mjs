// Camera RAW files in the tagger: a folder from the picker holding RAWs of every format
// (tests/fixtures/raw/, make_raw.py) is tagged through their previews, the one whose only
// preview is a 160x120 thumbnail listed as failed with that reason, none vanishing; the XMP
// sidecars are FILE.EXT.xmp (darktable, digiKam), which exiftool reads, or, chosen, FILE.xmp
// (Lightroom).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { opfsListing, repo, taggerSession, testPrivacy } from './tagger-fixture.mjs';

const t = taggerSession();
const RAWS = ['coffee.dng', 'chelsea.cr2', 'coffee.cr3', 'chelsea.nef', 'coffee.arw', 'chelsea.raf', 'coffee.orf', 'chelsea.rw2', 'coffee-rotated-6.cr2', 'chelsea-rotated-8.cr3'];
const TOO_SMALL = 'thumbnail-only.arw';

test('a folder of RAW files is tagged through their previews; sidecars are FILE.EXT.xmp, or FILE.xmp for Lightroom', async () => {
  const page = await t.openTagger();
  const photos = [];
  for (const name of [...RAWS, TOO_SMALL]) photos.push({ name, bytes: [...(await readFile(`${repo}/tests/fixtures/raw/${name}`))] });
  await page.evaluate(async (photos) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('shoot', { create: true });
    for (const p of photos) {
      const w = await (await dir.getFileHandle(p.name, { create: true })).createWritable();
      await w.write(new Uint8Array(p.bytes));
      await w.close();
    }
    window.showDirectoryPicker = async () => dir;
  }, photos);
  await page.click('#pick-folder');
  await page.waitForSelector('body[data-state="done"]', { timeout: 120_000 });
  const failures = await page.$$eval('#failures li', (lis) => lis.map((l) => l.textContent));
  assert.deepEqual(failures, [
    `shoot/${TOO_SMALL}: the ARW file's largest embedded JPEG preview is 160x120, smaller than the 256-pixel short side the model needs`,
  ]);
  assert.equal(await page.$$eval('#grid .photo', (ps) => ps.length), RAWS.length, 'every other RAW is tagged');

  await page.click('#write-sidecars');
  await page.waitForFunction(() => /^Wrote/.test(document.querySelector('#export-status').textContent));
  assert.equal(await page.textContent('#export-status'), `Wrote ${RAWS.length} XMP tag files next to the photos.`);
  const listing = await opfsListing(page, 'shoot');
  for (const name of RAWS) assert.ok(listing.includes(`${name}.xmp`), `${name}.xmp in ${listing}`);
  assert.ok(!listing.includes(`${TOO_SMALL}.xmp`), 'no sidecar for a photo not tagged');
  const read = (name) =>
    page.evaluate(async (name) => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('shoot');
      return (await (await dir.getFileHandle(name)).getFile()).text();
    }, name);
  for (const [name, tag] of [['chelsea.nef', 'tiger cat'], ['coffee-rotated-6.cr2', 'espresso'], ['chelsea-rotated-8.cr3', 'tiger cat']]) {
    const file = join(t.work, `${name}.xmp`);
    await writeFile(file, await read(`${name}.xmp`));
    const out = spawnSync('exiftool', ['-j', '-XMP:all', file], { encoding: 'utf8' });
    assert.equal(out.status, 0, `exiftool: ${out.error ?? out.stderr}`);
    const subjects = [JSON.parse(out.stdout)[0].Subject].flat();
    assert.ok(subjects.includes(tag), `${name}.xmp: ${subjects.join(', ')}`);
  }

  // Lightroom's naming: one sidecar per name, shared by coffee.dng, coffee.cr3, ... as Lightroom shares it
  await page.evaluate(() => (document.querySelector('#sidecar-naming').value = 'base'));
  await page.evaluate(() => (document.querySelector('#export-status').textContent = ''));
  await page.click('#write-sidecars');
  await page.waitForFunction(() => /^Wrote/.test(document.querySelector('#export-status').textContent));
  const after = await opfsListing(page, 'shoot');
  for (const name of ['coffee.xmp', 'chelsea.xmp', 'coffee-rotated-6.xmp', 'chelsea-rotated-8.xmp']) assert.ok(after.includes(name), `${name} in ${after}`);
  assert.match(await read('coffee-rotated-6.xmp'), /espresso/);
  await page.close();
});

testPrivacy(t);
