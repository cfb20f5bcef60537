// Duplicates a person acts on (www/tagger/duplicates.js, image-size.js): the photos' sizes read
// from their headers (checked against exiftool's), each group best copy first with every
// photo's likeness to it, and the list of the photos not kept as JSON and CSV; on the real
// embeddings of the near-duplicates folder (tools/tagger_photos.py similar) plus an exact copy
// made later than its original.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, readdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImageClassifier } from 'effnet-wasm';
import { VectorIndex, cosine, quantize } from '../../www/tagger/vectors.js';
import { bestFirst, duplicateGroups, othersCSV, othersJSON, othersList, pixelsOf, rankGroups } from '../../www/tagger/duplicates.js';
import { fileImageSize, imageSize } from '../../www/tagger/image-size.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(repo, 'tests/fixtures');
const venv = process.env.EFFNET_VENV || join(repo, '.venv');

async function walk(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

/** exiftool's width and height of each file, as the reference (null where it has none). */
function exifSizes(files) {
  const r = spawnSync('exiftool', ['-j', '-n', '-File:ImageWidth', '-File:ImageHeight', '-PNG:ImageWidth', '-PNG:ImageHeight', '-GIF:ImageWidth', '-GIF:ImageHeight', '-RIFF:ImageWidth', '-RIFF:ImageHeight', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return new Map(JSON.parse(r.stdout).map((o) => [o.SourceFile, o.ImageWidth && o.ImageHeight ? { width: o.ImageWidth, height: o.ImageHeight } : null]));
}

test('imageSize reads JPEG (baseline, progressive, grey, with EXIF), PNG, GIF and WebP headers as exiftool does; HEIC, RAW and text give null', { skip: spawnSync('exiftool', ['-ver']).status !== 0 && 'needs exiftool' }, async () => {
  const files = (await walk(fixtures)).filter((f) => /\.(jpe?g|png|gif|webp)$/i.test(f));
  const ref = exifSizes(files);
  let n = 0;
  for (const f of files) {
    const want = ref.get(f);
    if (!want) continue; // a deliberately broken fixture exiftool cannot read either
    assert.deepEqual(imageSize(new Uint8Array(await readFile(f))), want, relative(repo, f));
    n++;
  }
  assert.ok(n >= 150, `${n} photos compared`);
  console.log(`${n} photos: sizes equal exiftool's`);
  for (const f of (await walk(fixtures)).filter((f) => /\.(heic|dng|cr2|nef|md|json|py)$/i.test(f)).slice(0, 20)) {
    assert.equal(imageSize(new Uint8Array(await readFile(f))), null, relative(repo, f));
  }
  // from a File's first bytes, as the page reads it
  assert.deepEqual(await fileImageSize(new Blob([await readFile(join(fixtures, 'rocket.jpg'))])), ref.get(join(fixtures, 'rocket.jpg')));
  assert.equal(await fileImageSize(new Blob(['not a photo'])), null);
});

test('bestFirst: the largest resolution, then the largest file, then the oldest; unknown sizes last', () => {
  const r = (path, width, height, size, lastModified) => ({ path, width, height, size, lastModified });
  const small = r('a/small.jpg', 800, 600, 900_000, 1);
  const big = r('b/big.jpg', 4000, 3000, 500_000, 3); // most pixels though the smallest file and the newest
  const bigLarger = r('c/big-larger.jpg', 3000, 4000, 600_000, 5); // the same pixels, a larger file
  const oldCopy = r('z/old.jpg', 3000, 4000, 600_000, 2); // the same again, older
  const heic = r('d/unknown.heic', null, null, 9_000_000, 0); // size unknown
  assert.deepEqual(bestFirst([small, big, heic, bigLarger, oldCopy]).map((x) => x.path), ['z/old.jpg', 'c/big-larger.jpg', 'b/big.jpg', 'a/small.jpg', 'd/unknown.heic']);
  assert.equal(pixelsOf(heic), 0);
});

test('near-duplicates with the real embeddings: each group best copy first, likeness to it, the others exported', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'effnet-dups-'));
  const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });
  try {
    const made = spawnSync(join(venv, 'bin/python'), [join(repo, 'tools/tagger_photos.py'), 'similar', dir], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    // an exact copy of chelsea.png made later: same pixels and bytes, so the older one is the best
    // (and by name alone "chelsea-copy.png" would sort first)
    await copyFile(join(dir, 'chelsea.png'), join(dir, 'chelsea-copy.png'));
    await utimes(join(dir, 'chelsea.png'), new Date('2020-01-01'), new Date('2020-01-01'));
    await utimes(join(dir, 'chelsea-copy.png'), new Date('2024-06-01'), new Date('2024-06-01'));
    const names = (await readdir(dir)).sort();
    const ref = exifSizes(names.map((n) => join(dir, n)));
    const index = new VectorIndex(1280);
    const records = new Map();
    for (const n of names) {
      const data = await readFile(join(dir, n));
      const st = await stat(join(dir, n));
      const r = await clf.classify(new Uint8Array(data), { withEmbedding: true });
      const embedding = quantize(r.embedding.floatEmbedding);
      const size = await fileImageSize(new Blob([data]));
      records.set(n, { key: n, path: `similar/${n}`, name: n, size: st.size, lastModified: st.mtimeMs, ...size, embedding });
      index.add(n, embedding);
    }
    const ranked = rankGroups(duplicateGroups(index), index, (k) => records.get(k));
    assert.ok(ranked.length >= 5, `${ranked.length} groups`);
    for (const g of ranked) {
      const [best, ...rest] = g.photos;
      console.log(g.photos.map((p) => `${p.record.name} ${p.record.width}x${p.record.height} ${p.record.size} B ${p.likeness.toFixed(3)}`).join(' | '));
      const px = (p) => ref.get(join(dir, p.record.name)).width * ref.get(join(dir, p.record.name)).height;
      for (const p of rest) {
        // exiftool's sizes, not the page's reading: the best has the most pixels, then the most bytes
        assert.ok(px(best) > px(p) || (px(best) === px(p) && best.record.size >= p.record.size), `${best.record.name} before ${p.record.name}`);
        // the likeness shown is each photo's cosine to the best copy
        assert.ok(Math.abs(p.likeness - cosine(best.record.embedding, p.record.embedding)) < 1e-6);
        assert.ok(p.likeness < 1.0001);
      }
      assert.equal(best.likeness, 1);
      assert.ok(!/-(half|crop10)\./.test(best.record.name), `a smaller copy is never the best: ${best.record.name}`);
    }
    const cat = ranked.find((g) => g.photos.some((p) => p.record.name === 'chelsea.png'));
    const order = cat.photos.map((p) => p.record.name);
    assert.ok(order.indexOf('chelsea.png') < order.indexOf('chelsea-copy.png'), `the older of two identical files first: ${order}`);

    // keep the best of each group, and in the cat's group the half-size copy too
    const keep = new Set(ranked.map((g) => g.photos[0].record.key));
    keep.add('chelsea-half.jpg');
    const list = othersList(ranked, keep);
    const inGroups = ranked.flatMap((g) => g.photos.map((p) => p.record.path));
    assert.equal(list.length, inGroups.length - keep.size);
    assert.ok(!list.some((o) => keep.has(o.name)), 'no kept photo in the list');
    assert.ok(list.some((o) => o.name === 'chelsea-copy.png'));
    const catRow = list.find((o) => o.name === 'chelsea-copy.png');
    assert.deepEqual(catRow.kept.sort(), [cat.photos[0].record.path, 'similar/chelsea-half.jpg'].sort());
    assert.deepEqual({ width: catRow.width, height: catRow.height }, ref.get(join(dir, 'chelsea-copy.png')));
    assert.equal(catRow.lastModified, '2024-06-01T00:00:00.000Z');

    const json = JSON.parse(othersJSON(list));
    assert.equal(json.format, 'effnet-wasm-duplicates');
    assert.deepEqual(json.others, list.map((o) => o.path));
    const csv = othersCSV(list).trimEnd().split('\r\n');
    assert.equal(csv[0], 'path,file,group,likeness,width,height,size,last_modified,kept');
    assert.deepEqual(csv.slice(1).map((l) => l.split(',')[0]), list.map((o) => o.path));

    // a group with nothing kept is refused: the list would hold every copy of that photo
    const none = new Set(keep);
    for (const p of ranked[1].photos) none.delete(p.record.key);
    assert.throws(() => othersList(ranked, none), /^Error: group 2 has no photo kept/);
  } finally {
    clf.dispose();
    await rm(dir, { recursive: true, force: true });
  }
});

test('Similar shows only photos alike enough to mean something: on the labelled set, pairs at SIMILAR_THRESHOLD or more are of one subject (precision >= 0.9), in two bands', async () => {
  const { labelledSet, records } = await import('../../bench/taught.mjs');
  const { measureLikeness } = await import('../../bench/likeness.mjs');
  const { SIMILAR_THRESHOLD, similarPhotos } = await import('../../www/tagger/similar.js');
  const { DUPLICATE_THRESHOLD } = await import('../../www/tagger/duplicates.js');
  const photos = await labelledSet();
  const recs = await records(photos);
  const { rows } = measureLikeness(photos, recs);
  const at = rows.find((r) => r.threshold === SIMILAR_THRESHOLD);
  console.log(rows.map((r) => `≥ ${r.threshold}: ${r.right}/${r.above} P ${r.precision?.toFixed(3)} R ${r.recall.toFixed(3)}`).join('\n'));
  assert.ok(at.precision >= 0.9 && at.above >= 10, `at ${SIMILAR_THRESHOLD}: ${JSON.stringify(at)}`);
  // just below it the same-subject precision falls: the threshold is where likeness starts to mean something
  assert.ok(rows.find((r) => r.threshold === 0.5).precision < 0.8);
  const index = VectorIndex.from(recs);
  let shownAny = 0;
  for (const r of recs) {
    const { copies, alike, closest } = similarPhotos(index, r.key);
    for (const h of copies) assert.ok(h.score >= DUPLICATE_THRESHOLD);
    for (const h of alike) assert.ok(h.score >= SIMILAR_THRESHOLD && h.score < DUPLICATE_THRESHOLD);
    assert.ok(copies.length + alike.length <= 12);
    assert.ok(!copies.concat(alike).some((h) => h.key === r.key));
    if (!copies.length && !alike.length) assert.ok(closest.score < SIMILAR_THRESHOLD);
    shownAny += copies.length + alike.length ? 1 : 0;
  }
  // most photos of a set of different photos have nothing that close: Similar says so rather than showing 12
  assert.ok(shownAny < recs.length / 2, `${shownAny} of ${recs.length} photos show some`);
  console.log(`${shownAny} of ${recs.length} photos of the labelled set show similar photos`);
});
