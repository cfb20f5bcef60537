// The photo tagger (www/tagger/) tags a folder of 44 generated photos through the folder
// input, in its worker: progress, tags (WordNet hypernyms), search and sort, details by
// keyboard, the one failure, thumbnails, phone width. Writes tests/artifacts/tagger*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { artifacts, IMAGES, TRUNCATED, search, tagFolder, taggerSession, testPrivacy } from './tagger-fixture.mjs';

const t = taggerSession({ album: true });

test('a folder of 44 photos is tagged in the worker: progress, tags, search, details, failures', async () => {
  const page = await t.openTagger();
  // one single-threaded engine per core, as the library picks threads: the cores it measured
  // where the browser claims more than two, else the claim, never fewer than two where two are
  // claimed, at most 4 (www/tagger/engines.js)
  const claimed = await page.evaluate(() => navigator.hardwareConcurrency);
  // ready at the first engine; the others start behind it (data-engines once all have)
  await page.waitForSelector('body[data-engines]', { timeout: 60_000 });
  const status = await page.textContent('#model-status');
  if (claimed === 1) assert.match(status, /Model ready: .*, 1 thread \(one core: one single-threaded engine\)\.$/);
  else {
    const [, threads, engines] = status.match(/Model ready: .*, (\d) threads \((\d) single-threaded engines side by side, one per core\)\.$/) ?? [];
    assert.equal(threads, engines, status);
    assert.ok(Number(engines) >= 2 && Number(engines) <= Math.min(4, claimed), `${engines} engines, ${claimed} cores claimed`);
    if (claimed === 2) assert.equal(Number(engines), 2);
  }
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
  const summary = await tagFolder(page, t.album);
  const secs = (Date.now() - t0) / 1000;
  console.log(`${summary} (${(IMAGES / secs).toFixed(1)} images/s in the test)`);
  assert.match(summary, /^Done: 43 new photos tagged, 1 failed in .*; 0 photos already tagged\.$/);
  // the folder's text file is not lost silently: counted by kind under the summary
  assert.equal(await page.textContent('#skipped'), '1 file skipped: 1 text file');
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
  await page.close();
});

testPrivacy(t);
