// Taught tags on the labelled set, end to end: tests/fixtures/subjects/ (12 subjects of several
// different real photos each, and distractors) tagged through the folder input, then, for
// each subject held out from choosing the method's constants (bench/taught.mjs DEV_SUBJECTS),
// a tag taught from 3 of its photos in the page: what the suggestions list suggests is
// compared with the labels; then one review (each photo the list shows confirmed if it is of
// the subject, rejected if not, by its buttons) and compared again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { repo, tagFolder, taggerSession, testPrivacy } from './tagger-fixture.mjs';
import { DEV_SUBJECTS } from '../../bench/taught.mjs';

const SET = join(repo, 'tests/fixtures/subjects');
const photos = JSON.parse(await readFile(join(SET, 'subjects.json'), 'utf8')).photos;
const HELD_OUT = [...new Set(photos.map((p) => p.subject).filter((s) => s && !DEV_SUBJECTS.includes(s)))];

const t = taggerSession({
  async setup(t) {
    t.subjects = join(t.work, 'subjects');
    await cp(SET, t.subjects, { recursive: true });
    for (const f of ['make_subjects.py', 'subjects.json', 'README.md']) await rm(join(t.subjects, f));
  },
});

const subjectOf = new Map(photos.map((p) => [`subjects/${p.file}`, p.subject]));

/** The suggestions list: every card with its path and what it is ("example", "suggested", ...). */
const listed = (page) =>
  page.$$eval('#suggestions li', (lis) => lis.map((l) => ({ path: l.dataset.path, what: l.querySelector('.score').textContent.split(' · ')[1] })));

/** Precision and recall of the photos the tag holds (examples aside: those the user gave it). */
function score(cards, subject, examples) {
  const has = cards.filter((c) => (c.what === 'suggested' || c.what === 'example') && !examples.includes(c.path));
  const right = has.filter((c) => subjectOf.get(c.path) === subject).length;
  const real = [...subjectOf].filter(([p, s]) => s === subject && !examples.includes(p)).length;
  return { precision: has.length ? right / has.length : 1, recall: right / real };
}

test(`a tag taught from 3 photos finds the other photos of each held-out subject (${HELD_OUT.join(', ')}); one review of the list makes it precise`, async () => {
  const page = await t.openTagger();
  const summary = await tagFolder(page, t.subjects);
  assert.match(summary, new RegExp(`^Done: ${photos.length} new photos tagged in `), summary);
  const before = [];
  const after = [];
  for (const subject of HELD_OUT) {
    // 3 of its photos, spread over the sorted list (no choosing the easy ones)
    const own = photos.filter((p) => p.subject === subject).map((p) => `subjects/${p.file}`).sort();
    const examples = [own[0], own[Math.floor(own.length / 2)], own.at(-1)];
    const name = `my ${subject}`;
    await page.fill('#teach-name', name);
    await page.click('#teach-select');
    for (const p of examples) await page.click(`#grid .photo[data-path="${p}"]`);
    const applied = Number(await page.evaluate(() => document.body.dataset.taughtApplied ?? 0));
    await page.click('#teach-go');
    await page.waitForFunction((n) => Number(document.body.dataset.taughtApplied ?? 0) > n, applied);
    assert.equal(await page.textContent('#teach-status'), `Taught “${name}” from 3 examples.`);
    let cards = await listed(page);
    before.push(score(cards, subject, examples));
    // one review: every photo the list shows, judged by its label, best first; one that left the
    // list meanwhile (a near miss pushed out by a confirmation) is not seen, so not judged
    for (const c of cards.filter((c) => c.what === 'suggested' || c.what === 'below the threshold')) {
      const verdict = subjectOf.get(c.path) === subject ? 'Confirm' : 'Reject';
      const button = `#suggestions button[aria-label="${verdict} ${name} for ${c.path.split('/').at(-1)}"]`;
      if (!(await page.$(button))) continue;
      const n = Number(await page.evaluate(() => document.body.dataset.taughtApplied));
      await page.click(button);
      await page.waitForFunction((n) => Number(document.body.dataset.taughtApplied) > n, n);
    }
    cards = await listed(page);
    after.push(score(cards, subject, examples));
    console.log(`${subject}: before review P ${before.at(-1).precision.toFixed(3)} R ${before.at(-1).recall.toFixed(3)}; after P ${after.at(-1).precision.toFixed(3)} R ${after.at(-1).recall.toFixed(3)}`);
  }
  const mean = (list, f) => list.reduce((s, x) => s + x[f], 0) / list.length;
  const line = (list) => `precision ${mean(list, 'precision').toFixed(3)}, recall ${mean(list, 'recall').toFixed(3)}`;
  console.log(`held-out subjects, 3 examples: ${line(before)}; after one review: ${line(after)}`);
  // from the examples alone (bench/taught.mjs: 0.82 / 0.68 over random draws); the nearest
  // centroid it replaced found 0.54 of them
  assert.ok(mean(before, 'recall') >= 0.6 && mean(before, 'precision') >= 0.7, line(before));
  // the target, reached after one review of what the list shows
  assert.ok(mean(after, 'precision') >= 0.9 && mean(after, 'recall') >= 0.7, line(after));
});

testPrivacy(t);
