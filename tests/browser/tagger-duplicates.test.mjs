// Duplicates a person acts on, end to end: the near-duplicates folder (tools/tagger_photos.py
// similar: five photos, each re-encoded at quality 30, halved, cropped and rotated, beside eight
// unrelated ones) plus an exact copy of chelsea.png made later, tagged through the folder
// input; "Find duplicates" shows each group best copy first (checked against exiftool's sizes
// and the files' own sizes and dates), every photo's likeness to it, its resolution, size and
// date; Keep toggles; a group with nothing kept is refused; the others exported as JSON and CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, readFile, readdir, stat, utimes } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { repo, tagFolder, taggerSession, testPrivacy } from './tagger-fixture.mjs';

const venv = process.env.EFFNET_VENV || join(repo, '.venv');

const t = taggerSession({
  async setup(t) {
    t.dups = join(t.work, 'dups');
    const made = spawnSync(join(venv, 'bin/python'), [join(repo, 'tools/tagger_photos.py'), 'similar', t.dups], { encoding: 'utf8' });
    assert.equal(made.status, 0, `making the photos failed: ${made.error ?? made.stderr}`);
    // the same bytes, copied later: the older file is the best copy (by name the copy sorts first)
    await copyFile(join(t.dups, 'chelsea.png'), join(t.dups, 'chelsea-copy.png'));
    await utimes(join(t.dups, 'chelsea.png'), new Date('2020-01-01'), new Date('2020-01-01'));
    await utimes(join(t.dups, 'chelsea-copy.png'), new Date('2024-06-01'), new Date('2024-06-01'));
    // each file's truth: exiftool's pixels, the file system's size and date
    const names = (await readdir(t.dups)).sort();
    const ex = spawnSync('exiftool', ['-j', '-n', '-ImageWidth', '-ImageHeight', ...names.map((n) => join(t.dups, n))], { encoding: 'utf8' });
    assert.equal(ex.status, 0, ex.stderr);
    const px = new Map(JSON.parse(ex.stdout).map((o) => [basename(o.SourceFile), o]));
    t.truth = new Map();
    for (const n of names) {
      const s = await stat(join(t.dups, n));
      t.truth.set(`dups/${n}`, { width: px.get(n).ImageWidth, height: px.get(n).ImageHeight, size: s.size, mtime: s.mtimeMs });
    }
  },
});

/** The groups shown: each card's path, score, note, lines and Keep state. */
const shownGroups = (page) =>
  page.$$eval('#duplicates > li', (lis) =>
    lis.map((li) =>
      [...li.querySelectorAll('.card')].map((c) => ({
        path: c.dataset.path,
        score: Number(c.dataset.score),
        note: c.querySelector('.score').textContent,
        lines: [...c.querySelectorAll('.meta')].map((m) => m.textContent),
        kept: c.querySelector('button[aria-label^="Keep "]').getAttribute('aria-pressed') === 'true',
        best: c.classList.contains('best'),
      })),
    ),
  );

test('Find duplicates: each group best copy first, with likeness to it, resolution, size and date; keep and export the others', async () => {
  const page = await t.openTagger();
  await tagFolder(page, t.dups);
  await page.click('#find-duplicates');
  await page.waitForFunction(() => document.body.dataset.duplicates !== undefined);
  const groups = await shownGroups(page);
  console.log(groups.map((g) => g.map((c) => `${basename(c.path)} ${c.note} [${c.lines.join(', ')}]`).join(' | ')).join('\n'));
  assert.ok(groups.length >= 5, `${groups.length} groups`);
  const pixels = (p) => t.truth.get(p).width * t.truth.get(p).height;
  for (const g of groups) {
    const [best, ...rest] = g;
    assert.equal(best.note, 'best copy');
    assert.equal(best.best, true);
    assert.equal(best.kept, true, 'the best copy is kept to start with');
    for (const c of rest) {
      // the largest resolution, then the largest file, then the oldest
      const tb = t.truth.get(best.path);
      const tc = t.truth.get(c.path);
      assert.ok(pixels(best.path) > pixels(c.path) || (pixels(best.path) === pixels(c.path) && (tb.size > tc.size || (tb.size === tc.size && tb.mtime <= tc.mtime))), `${best.path} before ${c.path}`);
      assert.equal(c.kept, false);
      assert.ok(c.score > 0.5 && c.score <= 1, `${c.path} ${c.score}`);
      assert.equal(c.note, `${(c.score * 100).toFixed(1)}% alike`);
    }
    for (const c of g) {
      const tc = t.truth.get(c.path);
      assert.equal(c.lines[0], `${tc.width} × ${tc.height}`);
      assert.match(c.lines[1], /^\d+(\.\d)? (MB|KB)$/);
      assert.equal(c.lines[2], `modified ${new Date(tc.mtime).toISOString().slice(0, 10)}`);
    }
  }
  const cat = groups.find((g) => g.some((c) => c.path === 'dups/chelsea.png'));
  assert.equal(cat[0].path, 'dups/chelsea.png', 'of two identical files the older first');
  assert.equal(cat[1].path, 'dups/chelsea-copy.png');
  assert.equal(cat[1].score > 0.999, true, 'an exact copy is 100 % alike');
  for (const g of groups) assert.ok(!/-(half|crop10)\./.test(g[0].path), `a smaller copy is never the best: ${g[0].path}`);

  // keep the cat's half-size copy too; unkeep the astronaut's best: its group has nothing kept
  await page.click('#duplicates button[aria-label="Keep chelsea-half.jpg"]');
  assert.equal(await page.getAttribute('#duplicates button[aria-label="Keep chelsea-half.jpg"]', 'aria-pressed'), 'true');
  const astro = groups.findIndex((g) => g.some((c) => c.path === 'dups/astronaut.png'));
  const astroBest = basename(groups[astro][0].path);
  await page.click(`#duplicates button[aria-label="Keep ${astroBest}"]`);
  assert.equal(await page.getAttribute(`#duplicates button[aria-label="Keep ${astroBest}"]`, 'aria-pressed'), 'false');
  await page.click('#dup-export-json');
  assert.match(await page.textContent('#dup-keep-status'), new RegExp(`^Not exported: group ${astro + 1} has no photo kept`));
  // keep its quality-30 copy instead
  await page.click('#duplicates button[aria-label="Keep astronaut-q30.jpg"]');
  const kept = new Set([...groups.map((g) => g[0].path).filter((p) => p !== groups[astro][0].path), 'dups/chelsea-half.jpg', 'dups/astronaut-q30.jpg']);
  const all = groups.flat().map((c) => c.path);
  const others = all.filter((p) => !kept.has(p));
  assert.match(await page.textContent('#dup-keep-status'), new RegExp(`^Keeping ${kept.size} photos of ${all.length}; the list of the other ${others.length} photos can be exported`));

  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#dup-export-json')]);
  assert.match(json.suggestedFilename(), /^duplicates-others-\d{4}-\d\d-\d\d\.json$/);
  const j = JSON.parse(await readFile(await json.path(), 'utf8'));
  assert.equal(j.format, 'effnet-wasm-duplicates');
  assert.deepEqual([...j.others].sort(), [...others].sort());
  const copy = j.photos.find((p) => p.path === 'dups/chelsea-copy.png');
  assert.deepEqual(copy.kept.sort(), ['dups/chelsea-half.jpg', 'dups/chelsea.png']);
  assert.deepEqual([copy.width, copy.height, copy.size], [t.truth.get(copy.path).width, t.truth.get(copy.path).height, t.truth.get(copy.path).size]);
  assert.equal(copy.lastModified, '2024-06-01T00:00:00.000Z');
  assert.equal(await page.textContent('#dup-keep-status'), `Exported the ${others.length} photos not kept as JSON.`);

  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#dup-export-csv')]);
  const lines = (await readFile(await csv.path(), 'utf8')).trimEnd().split('\r\n');
  assert.equal(lines[0], 'path,file,group,likeness,width,height,size,last_modified,kept');
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]).sort(), [...others].sort());
  await page.close();
});

testPrivacy(t);
