// The tagger's similar photos, duplicate groups, taught tags and person tag, end to end: a
// folder of the fixtures' near-duplicates (tools/tagger_photos.py similar: each of five photos
// re-encoded at JPEG quality 30, halved, cropped by 10 % and rotated 90°, beside eight
// unrelated photos) tagged through the folder input, then Similar (only photos alike enough), Find duplicates, Teach a
// tag (confirm, reject, the exports, export and import of the taught tags), and "people".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { opfsFolder, repo, search, tagFolder, taggerSession, testPrivacy } from './tagger-fixture.mjs';
import { DUPLICATE_THRESHOLD, pairScores } from '../../www/tagger/duplicates.js';
import { SIMILAR_THRESHOLD } from '../../www/tagger/similar.js';

const venv = process.env.EFFNET_VENV || join(repo, '.venv');

const t = taggerSession({
  async setup(t) {
    t.similar = join(t.work, 'similar');
    const made = spawnSync(join(venv, 'bin/python'), [join(repo, 'tools/tagger_photos.py'), 'similar', t.similar], { encoding: 'utf8' });
    assert.equal(made.status, 0, `making the photos failed: ${made.error ?? made.stderr}`);
    t.count = Number(made.stdout.trim());
  },
});

/** The photo a near-duplicate was made from: its name before the first '-' or '.'. */
const source = (path) => basename(path).split(/[-.]/)[0];
const SOURCES = ['astronaut', 'chelsea', 'coffee', 'rocket', 'camera'];

test('"people" and "person" find astronaut.png, with a note on how far to trust the tag', async () => {
  const page = await t.openTagger();
  await tagFolder(page, t.extra);
  for (const q of ['people', 'person', 'People']) {
    assert.deepEqual((await search(page, q)).map((c) => c.path), ['extra/astronaut-extra.png'], q);
    assert.equal(await page.isVisible('#person-note'), true);
  }
  assert.match(await page.textContent('#person-note'), /^“person” is a guess: ImageNet has no person class, so it is inferred from what people wear/);
  await search(page, 'rocket');
  assert.equal(await page.isVisible('#person-note'), false);
  // the details say the tag is inferred
  await search(page, 'person');
  await page.click('#grid .photo');
  assert.match(await page.getAttribute('#details .tags li.inferred', 'title'), /inferred/);
  await page.click('#details [data-close]');
  await page.close();
});

/** A page with the near-duplicates folder tagged (the first call tags it; later ones find it in
 * IndexedDB). The first test's two photos (copies of astronaut.png and rocket.jpg) are in the
 * library too: near-duplicates as well. */
async function tagged() {
  const page = await t.openTagger();
  const summary = await tagFolder(page, t.similar);
  assert.match(summary, new RegExp(`^Done: .*; .*already tagged\\.$`));
  assert.equal(await page.locator('#grid .photo[data-path^="similar/"]').count(), t.count);
  return page;
}

test('Similar: from a photo\'s details, only photos alike enough to mean something: its copies under "the same picture", none below the threshold', async () => {
  const page = await tagged();
  for (const src of SOURCES) {
    await page.click(`#grid .photo[data-path="similar/${src}.png"]`);
    assert.equal(await page.isEnabled('#details [data-similar]'), true);
    await page.click('#details [data-similar]');
    await page.waitForFunction((p) => document.body.dataset.similar === p, `similar/${src}.png`);
    const items = await page.$$eval('#similar li', (lis) => lis.map((l) => (l.classList.contains('divider') ? { divider: l.textContent } : { path: l.dataset.path, score: Number(l.dataset.score) })));
    console.log(`${src}: ${items.map((s) => (s.divider ? `[${s.divider}]` : `${basename(s.path)} ${s.score.toFixed(3)}`)).join(', ')}`);
    const shown = items.filter((s) => !s.divider);
    // the re-encoded, halved and cropped copies (0.85 or more) are the same picture; a rotated one only where it stays close
    assert.equal(items[0].divider, 'The same picture (80% alike or more)');
    const copies = shown.filter((s) => s.score >= DUPLICATE_THRESHOLD);
    assert.deepEqual(shown.slice(0, copies.length), copies);
    for (const suffix of ['-q30.jpg', '-half.jpg', '-crop10.png']) assert.ok(copies.some((s) => s.path.endsWith(`/${src}${suffix}`)), `${src}${suffix}`);
    // nothing below the threshold, no other photo, the photo itself not
    assert.ok(shown.every((s) => s.score >= SIMILAR_THRESHOLD), 'none below the threshold');
    assert.deepEqual(shown.map((s) => source(s.path)), shown.map(() => src));
    assert.ok(!shown.some((s) => s.path === `similar/${src}.png`), 'not the photo itself');
    const band = items.findIndex((s) => s.divider?.startsWith('Likely the same subject'));
    if (band >= 0) assert.ok(items.slice(band + 1).every((s) => s.score < DUPLICATE_THRESHOLD));
    assert.match(await page.textContent('#similar-status'), new RegExp(`^${shown.length} photos of \\d+ are alike enough to mean something`));
    assert.equal(await page.evaluate(() => document.activeElement.id), 'similar-h', 'focus moves to the results');
  }
  await page.click('#similar-close');
  assert.equal(await page.isVisible('#similar-box'), false);
  await page.close();
});

test('Duplicates: the groups are the near-duplicates of each photo (pairwise precision and recall)', async () => {
  const page = await tagged();
  await page.click('#find-duplicates');
  await page.waitForFunction(() => document.body.dataset.duplicates !== undefined);
  const groups = await page.$$eval('#duplicates > li', (lis) => lis.map((li) => [...li.querySelectorAll('.card')].map((c) => c.dataset.path)));
  console.log(`groups: ${groups.map((g) => g.map((p) => basename(p)).join(' ')).join(' | ')}`);
  console.log(await page.textContent('#duplicates-status'));
  const all = await page.$$eval('#grid .photo', (bs) => bs.map((b) => b.dataset.path));
  const truth = Object.fromEntries(all.map((p) => [p, source(p)]));
  const s = pairScores(groups.map((keys) => ({ keys })), truth);
  console.log(`duplicate groups: precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)} (${s.right} of ${s.found} pairs right, ${s.real} real pairs)`);
  assert.ok(s.precision >= 0.9, `precision ${s.precision}`);
  // re-encoded, halved and cropped copies are all found; rotated ones only where they stay close (docs/tagger.md#duplicates)
  const unrotated = Object.fromEntries(Object.entries(truth).filter(([p]) => !p.includes('-rot90')));
  const u = pairScores(groups.map((keys) => ({ keys: keys.filter((k) => k in unrotated) })), unrotated);
  console.log(`without the rotated copies: precision ${u.precision.toFixed(3)}, recall ${u.recall.toFixed(3)}`);
  assert.equal(u.recall, 1, 'every re-encoded, halved and cropped copy is grouped with its original');
  await page.close();
});

test('Teach a tag: picked photos teach it, it finds the others, a rejection and the exports; kept across visits; export and import', async () => {
  const page = await tagged();
  await page.fill('#teach-name', 'Kitty');
  await page.click('#teach-select');
  assert.equal(await page.getAttribute('#teach-select', 'aria-pressed'), 'true');
  // picked with the keyboard: a card is a toggle button while picking
  await page.focus('#grid .photo[data-path="similar/chelsea.png"]');
  await page.keyboard.press('Enter');
  await page.click('#grid .photo[data-path="similar/chelsea-q30.jpg"]');
  assert.equal(await page.getAttribute('#grid .photo[data-path="similar/chelsea.png"]', 'aria-pressed'), 'true');
  assert.equal(await page.textContent('#teach-go'), 'Teach the tag from 2 photos');
  await page.click('#teach-go');
  await page.waitForFunction(() => document.body.dataset.taughtApplied);
  assert.equal(await page.textContent('#teach-status'), 'Taught “Kitty” from 2 examples.');
  const suggested = async () => {
    const cards = await page.$$eval('#suggestions li', (lis) => lis.map((l) => ({ path: l.dataset.path, note: l.querySelector('.score').textContent })));
    console.log(cards.map((c) => `${basename(c.path)} ${c.note}`).join(', '));
    return cards.filter((c) => / · (suggested|example)$/.test(c.note)).map((c) => c.path).sort();
  };
  const cats = ['chelsea-crop10.png', 'chelsea-half.jpg', 'chelsea-q30.jpg', 'chelsea-rot90.png', 'chelsea.png'].map((n) => `similar/${n}`);
  assert.deepEqual(await suggested(), cats);
  assert.deepEqual((await search(page, 'Kitty')).map((c) => c.path).sort(), cats);

  // a rejection: that photo loses the tag
  await page.click('#suggestions button[aria-label="Reject Kitty for chelsea-rot90.png"]');
  await page.waitForFunction(() => /rejected for/.test(document.querySelector('#teach-status').textContent));
  assert.equal(await page.getAttribute('#suggestions button[aria-label="Reject Kitty for chelsea-rot90.png"]', 'aria-pressed'), 'true');
  const kept = cats.filter((p) => !p.endsWith('rot90.png'));
  assert.deepEqual((await search(page, 'Kitty')).map((c) => c.path).sort(), kept);

  // the exports carry it
  await search(page, '');
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const doc = JSON.parse(await readFile(await json.path(), 'utf8'));
  assert.deepEqual(doc.taughtTags, [{ name: 'Kitty', threshold: doc.taughtTags[0].threshold, examples: 2, rejected: 1 }]);
  const taughtOf = (p) => doc.photos.find((x) => x.path === p).taught;
  assert.deepEqual(taughtOf('similar/chelsea.png').map((x) => [x.tag, x.confirmed]), [['Kitty', true]]);
  assert.deepEqual(taughtOf('similar/chelsea-half.jpg').map((x) => [x.tag, x.confirmed]), [['Kitty', false]]);
  assert.deepEqual(taughtOf('similar/chelsea-rot90.png'), []);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const lines = (await readFile(await csv.path(), 'utf8')).split('\r\n');
  const col = lines[0].split(',').indexOf('taught_tags');
  assert.equal(lines.find((l) => l.startsWith('chelsea.png,')).split(',')[col], 'Kitty:confirmed');
  assert.match(lines.find((l) => l.startsWith('chelsea-half.jpg,')).split(',')[col], /^Kitty:0\.\d+$/);

  // kept in IndexedDB: a new visit has it
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.library && document.body.dataset.taughtApplied);
  assert.deepEqual((await search(page, 'Kitty')).map((c) => c.path).sort(), kept);

  // the taught-tags file: vectors and names, no photo names; forget, then import it back
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('#taught-export')]);
  const text = await readFile(await file.path(), 'utf8');
  assert.ok(!/chelsea|similar\//.test(text), 'no photo or folder name in the file');
  assert.equal(JSON.parse(text).tags[0].positives.length, 2);
  console.log(`taught-tags file: ${text.length} bytes for 1 tag of 2 examples and 1 rejected`);
  await page.click('button[aria-label="Forget the tag Kitty"]');
  assert.deepEqual(await search(page, 'Kitty'), []);
  await page.setInputFiles('#taught-file', await file.path());
  await page.waitForFunction(() => /^Imported/.test(document.querySelector('#teach-status').textContent));
  assert.equal(await page.textContent('#teach-status'), 'Imported 1 taught tag: Kitty.');
  // imported examples are vectors without photos: the same photos come out, none of them "confirmed"
  assert.deepEqual((await search(page, 'Kitty')).map((c) => c.path).sort(), kept);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('XMP sidecars carry a taught tag given to a photo as a confirmed tag (exiftool reads it back), and the machine tags apart', async () => {
  const page = await t.openTagger();
  await opfsFolder(page, 'pets', ['chelsea.png', 'coffee.png']);
  await page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('pets');
    window.showDirectoryPicker = async () => dir;
  });
  await page.evaluate(() => delete document.body.dataset.state);
  await page.click('#pick-folder');
  await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
  await page.fill('#teach-name', 'Tabby');
  await page.click('#teach-select');
  await page.click('#grid .photo[data-path="pets/chelsea.png"]');
  await page.click('#teach-go');
  await page.waitForFunction(() => /^Taught “Tabby”/.test(document.querySelector('#teach-status').textContent));
  await page.click('#write-sidecars');
  await page.waitForFunction(() => /^Wrote/.test(document.querySelector('#export-status').textContent));
  const read = async (name) => {
    const text = await page.evaluate(async (name) => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('pets');
      return (await (await dir.getFileHandle(name)).getFile()).text();
    }, name);
    const file = join(t.work, name);
    await writeFile(file, text);
    const out = spawnSync('exiftool', ['-j', '-XMP:all', file], { encoding: 'utf8' });
    assert.equal(out.status, 0, `exiftool: ${out.error ?? out.stderr}`);
    const [x] = JSON.parse(out.stdout);
    return { subjects: [x.Subject].flat(), hier: [x.HierarchicalSubject].flat() };
  };
  const cat = await read('chelsea.png.xmp');
  console.log(`chelsea.png.xmp: ${cat.hier.join(', ')}`);
  assert.ok(cat.subjects.includes('Tabby') && cat.hier.includes('Tabby'), 'the confirmed tag, plain');
  assert.ok(cat.hier.includes('effnet-wasm|machine|animal|mammal|cat'));
  assert.ok(!cat.hier.some((h) => !h.startsWith('effnet-wasm|machine|') && h !== 'Tabby'), 'every other tag is a machine tag');
  const coffee = await read('coffee.png.xmp');
  assert.ok(!coffee.subjects.includes('Tabby'), 'the espresso is no tabby');
  assert.ok(coffee.hier.includes('effnet-wasm|machine|food|drink'), coffee.hier.join(', '));
  await page.close();
});

testPrivacy(t);
