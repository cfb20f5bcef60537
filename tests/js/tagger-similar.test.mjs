// The tagger's similar search, duplicate groups, taught tags, XMP sidecars and person tag
// (www/tagger/vectors.js, duplicates.js, taught.js, xmp.js; the person row of tags.js's table): on real
// classifications of the fixtures through the Node build of the library, on seeded random
// vectors where a property must hold for any vector, and on the real embeddings of the
// fixtures' near-duplicates (tools/tagger_photos.py similar). XMP is read back by exiftool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImageClassifier } from 'effnet-wasm';
import { VectorIndex, bytesPerVector, cosine, dot, jsDots, quantize } from '../../www/tagger/vectors.js';
import { DUPLICATE_THRESHOLD, duplicateGroups, pairScores } from '../../www/tagger/duplicates.js';
import { TAUGHT_THRESHOLD, applyTag, fromFile, judge, teach, toFile } from '../../www/tagger/taught.js';
import { MACHINE_ROOT, escapeXml, isOurs, pathOf, tagPaths, xmpSidecar } from '../../www/tagger/xmp.js';
import { TAG_TABLE, deriveTags, categoriesNeeded, inferredTag, searchTerm } from '../../www/tagger/tags.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(repo, 'tests/fixtures');
const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });
const bytes = async (path) => new Uint8Array(await readFile(path));
const probabilities = async (path) => (await clf.classify(await bytes(path), { maxResults: categoriesNeeded(0.2, 5), withProbabilities: true })).probabilities;

// seeded random numbers (mulberry32): the same vectors every run
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const floatCos = (a, b) => {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
};

test('quantize: int8 vectors whose cosines are the float ones within 0.005 (the fixtures\' probability vectors)', async () => {
  const names = ['astronaut.png', 'chelsea.png', 'coffee.png', 'rocket.jpg'];
  const vecs = await Promise.all(names.map((n) => probabilities(join(fixtures, n))));
  // log-probabilities: dense, signed vectors (the probabilities themselves are nearly one-hot)
  const logs = vecs.map((p) => Float32Array.from(p, (x) => Math.log(x)));
  for (let i = 0; i < logs.length; i++) {
    const qi = quantize(logs[i]);
    assert.equal(Math.max(...qi.q.map(Math.abs)), 127, 'the largest value uses the full range');
    for (let j = i + 1; j < logs.length; j++) {
      const exact = floatCos(logs[i], logs[j]);
      const approx = cosine(qi, quantize(logs[j]));
      assert.ok(Math.abs(exact - approx) < 0.005, `${names[i]} / ${names[j]}: ${exact} vs ${approx}`);
    }
  }
  assert.equal(bytesPerVector(1280), 1284);
  assert.equal(quantize(new Float32Array(4)).norm, 0, 'a zero vector has norm 0');
  assert.throws(() => quantize([1, NaN]), { code: 'BAD_VECTOR', message: 'embedding value 1 is NaN, not a finite number' });
  assert.throws(() => quantize([]), { code: 'BAD_VECTOR' });
});

test('VectorIndex: the wasm SIMD dot products are the JS ones; search ranks as the float cosine does; grows, deletes', () => {
  const rand = random(7);
  const dims = 1280;
  const floats = Array.from({ length: 300 }, () => Float32Array.from({ length: dims }, () => rand() ** 2 - 0.1));
  const wasm = new VectorIndex(dims, 16); // grows 16 -> 512
  const js = new VectorIndex(dims, 16, { wasm: false });
  assert.ok(wasm.wasm, 'wasm SIMD in Node 20');
  assert.equal(js.wasm, null);
  floats.forEach((f, i) => {
    wasm.add(`p${i}`, quantize(f));
    js.add(`p${i}`, quantize(f));
  });
  const query = quantize(floats[5]);
  assert.deepEqual(wasm.dots(query.q), js.dots(query.q));
  assert.deepEqual(wasm.dots(query.q), jsDots(js.data, dims, js.size, query.q));
  assert.equal(wasm.dots(query.q)[17], dot(query.q, quantize(floats[17]).q));
  assert.deepEqual(wasm.dots(query.q, null, 290), js.dots(query.q, null, 290), 'from row 290 on');
  assert.equal(wasm.dots(query.q, null, 290)[0], wasm.dots(query.q)[290]);
  const hits = wasm.search(query, { k: 8, exclude: 'p5' });
  const brute = floats.map((f, i) => ({ key: `p${i}`, score: floatCos(f, floats[5]) })).filter((h) => h.key !== 'p5').sort((a, b) => b.score - a.score);
  // the int8 ranking may swap two neighbours whose cosines differ by less than the rounding
  const overlap = hits.filter((h) => brute.slice(0, 10).some((b) => b.key === h.key)).length;
  assert.ok(overlap === 8, `${overlap} of the 8 hits are among the 10 best by float cosine`);
  for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].score >= hits[i].score, 'best first');
  assert.equal(wasm.search(query, { k: 1 })[0].key, 'p5', 'a vector is its own best match');
  // delete: the last row moves into the hole and is still found
  assert.ok(wasm.delete('p5'));
  assert.equal(wasm.size, 299);
  assert.equal(wasm.search(quantize(floats[299]), { k: 1 })[0].key, 'p299');
  assert.ok(!wasm.search(query, { k: 300 }).some((h) => h.key === 'p5'));
  assert.throws(() => wasm.search(quantize([1, 2, 3])), { code: 'BAD_VECTOR', message: 'query has 3 values, the index 1280' });
});

test('dot-wasm.js is what tools/dot_wasm.mjs makes of dot.wat', () => {
  const r = spawnSync(process.execPath, [join(repo, 'tools/dot_wasm.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('duplicate groups: union-find joins chains (a~b, b~c), keeps the unrelated apart; pair precision and recall', () => {
  const rand = random(11);
  const dims = 64;
  const base = () => Float32Array.from({ length: dims }, () => rand() - 0.5);
  const near = (v, by) => Float32Array.from(v, (x) => x + (rand() - 0.5) * by);
  const a = base();
  const b = base();
  const index = new VectorIndex(dims);
  index.add('a', quantize(a));
  index.add('a2', quantize(near(a, 0.1)));
  index.add('a3', quantize(near(a, 0.1)));
  index.add('b', quantize(b));
  index.add('lone', quantize(base()));
  // a chain: c0 ~ c1 ~ c2 but c0 and c2 further apart than the threshold
  const c0 = base();
  const c1 = Float32Array.from(c0, (x, i) => (i < 12 ? -x : x));
  const c2 = Float32Array.from(c1, (x, i) => (i >= 12 && i < 24 ? -x : x));
  for (const [k, v] of [['c0', c0], ['c1', c1], ['c2', c2]]) index.add(k, quantize(v));
  const t = 0.5;
  assert.ok(cosine(quantize(c0), quantize(c2)) < t && cosine(quantize(c0), quantize(c1)) >= t, 'the chain is a chain');
  const groups = duplicateGroups(index, { threshold: t });
  assert.deepEqual(groups.map((g) => g.keys), [['a', 'a2', 'a3'], ['c0', 'c1', 'c2']]);
  assert.ok(groups[0].min >= t && groups[0].max <= 1);
  const s = pairScores(groups, { a: 'a', a2: 'a', a3: 'a', b: 'a', c0: 'c', c1: 'c', c2: 'c' });
  // found: 3 a-pairs + 3 c-pairs, all right; real: 6 a-pairs (b is an a) + 3 c-pairs
  assert.deepEqual(s, { precision: 1, recall: 6 / 9, found: 6, real: 9, right: 6 });
});

test('taught tags: the examples\' centroid, the collection\'s mean removed, finds the cluster at the default threshold; a rejected look-alike drops out; confirm adds an example', () => {
  const rand = random(23);
  const dims = 128;
  const centre = (shift) => Float32Array.from({ length: dims }, (_, i) => Math.max(0, Math.sin(i * shift) + rand() * 0.3));
  const dog = centre(0.3);
  const cat = centre(0.71);
  const rec = (key, v) => ({ key, path: key, embedding: quantize(v) });
  const jitter = (v, by) => Float32Array.from(v, (x) => Math.max(0, x + (rand() - 0.5) * by));
  const dogs = Array.from({ length: 8 }, (_, i) => rec(`dog${i}`, jitter(dog, 0.6)));
  const cats = Array.from({ length: 8 }, (_, i) => rec(`cat${i}`, jitter(cat, 0.6)));
  // between the two: closer to the dogs than the threshold, but a cat-ish one
  const lookAlike = rec('wolf', Float32Array.from(dog, (x, i) => 0.55 * x + 0.45 * cat[i]));
  const all = [...dogs, ...cats, lookAlike];
  const index = VectorIndex.from(all);
  let tag = teach('  Rex  ', dogs.slice(0, 3));
  assert.equal(tag.threshold, TAUGHT_THRESHOLD);
  assert.equal(tag.name, 'Rex');
  let applied = applyTag(tag, index);
  const suggested = (a) => a.filter((x) => x.suggested).map((x) => x.key).sort();
  console.log(applied.map((x) => `${x.key} ${x.score.toFixed(3)}`).join(', '));
  assert.deepEqual(suggested(applied), [...dogs.map((d) => d.key), 'wolf'].sort());
  tag = judge(tag, lookAlike, 'negative');
  tag = judge(tag, cats[0], 'negative');
  applied = applyTag(tag, index);
  assert.deepEqual(suggested(applied), dogs.map((d) => d.key).sort(), 'the rejected one and its side are out');
  assert.equal(applied.find((x) => x.key === 'wolf').kind, 'negative');
  tag = judge(tag, dogs[6], 'positive');
  assert.equal(tag.positives.length, 4);
  assert.equal(applyTag(tag, index).find((x) => x.key === 'dog6').kind, 'positive');
  assert.throws(() => judge(teach('x', [dogs[0]]), dogs[0], 'negative'), { code: 'TOO_FEW_EXAMPLES' });
  assert.throws(() => teach('', dogs), { code: 'BAD_TAG_NAME', message: 'a taught tag needs a name' });
  assert.throws(() => teach('none', [{ key: 'old' }]), { code: 'TOO_FEW_EXAMPLES' });
  assert.equal(TAUGHT_THRESHOLD > 0 && TAUGHT_THRESHOLD < 1, true);
});

test('taught tags file: vectors, tag scores and names only, read back the same; version 1 migrated; a bad file names what is wrong', () => {
  const rand = random(5);
  const tags = [{ tag: 'tabby', score: 0.6, kind: 'label' }, { tag: 'cat', score: 0.93, kind: 'coarse' }, { tag: 'animal', score: 0.99, kind: 'coarse' }];
  const recs = Array.from({ length: 3 }, (_, i) => ({ key: `secret/photo${i}.jpg`, tags, embedding: quantize(Float32Array.from({ length: 32 }, () => rand() - 0.5)) }));
  let tag = teach('Rex', recs.slice(0, 2));
  tag = judge(tag, recs[2], 'negative');
  const model = { id: 'efficientnet-lite0', sha256: 'ab'.repeat(32) };
  const text = toFile([tag], model);
  assert.ok(!text.includes('secret') && !text.includes('photo0'), 'no photo names in the file');
  const doc = JSON.parse(text);
  assert.equal(doc.format, 'effnet-wasm-taught-tags');
  assert.equal(doc.version, 2);
  const [back] = fromFile(text, { model, dims: 32 });
  assert.equal(back.name, 'Rex');
  assert.deepEqual(back.positives[0].tags, { cat: 0.93, animal: 0.99 }, 'the coarse tags only: the fine labels are left to the embedding');
  // a version 1 file (no tag scores, a threshold on the raw cosine): read, its threshold replaced by today's default
  const v1 = JSON.parse(text);
  v1.version = 1;
  v1.tags[0].threshold = 0.5;
  for (const e of [...v1.tags[0].positives, ...v1.tags[0].negatives]) delete e.tags;
  const [old] = fromFile(JSON.stringify(v1), { model, dims: 32 });
  assert.deepEqual([old.threshold, old.positives[0].tags, [...old.positives[0].q]], [TAUGHT_THRESHOLD, {}, [...tag.positives[0].q]]);
  assert.deepEqual(back.positives.map((e) => [...e.q]), tag.positives.map((e) => [...e.q]));
  assert.deepEqual(back.negatives.map((e) => [...e.q]), tag.negatives.map((e) => [...e.q]));
  assert.ok(Math.abs(back.positives[0].norm - tag.positives[0].norm) < 1e-9);
  const edit = (f) => {
    const d = JSON.parse(text);
    f(d);
    return JSON.stringify(d);
  };
  const bad = (t, message, o = { model, dims: 32 }) => assert.throws(() => fromFile(t, o), { code: 'BAD_TAUGHT_TAGS', message });
  bad('{', /^not JSON: /);
  bad('[]', 'not a JSON object');
  bad(edit((d) => (d.format = 'x')), 'format is "x", expected "effnet-wasm-taught-tags"');
  bad(edit((d) => (d.version = 3)), 'version 3 is not supported (this page reads versions 1 and 2)');
  bad(edit((d) => (d.tags[0].positives[0].tags = { cat: 2 })), 'tags[0].positives[0].tags.cat must be a score in [0, 1], got 2');
  bad(edit((d) => (d.tags[0].negatives[0].tags = [])), 'tags[0].negatives[0].tags must be an object of tag scores');
  bad(edit((d) => (d.model.id = 'efficientnet-lite4')), 'the tags were taught with model "efficientnet-lite4", this page uses efficientnet-lite0: their vectors cannot be compared');
  bad(text, 'dims is 32, this collection\'s embeddings have 1280', { model, dims: 1280 });
  bad(edit((d) => (d.tags[0].positives[1].q = 'AAAA')), 'tags[0].positives[1].q holds 3 values, dims says 32');
  bad(edit((d) => (d.tags[0].negatives[0].q = '***')), 'tags[0].negatives[0].q is not base64');
  bad(edit((d) => d.tags.push(d.tags[0])), 'tags[1].name “Rex” appears twice');
  bad(edit((d) => (d.tags[0].positives = [])), 'tags[0].positives is empty: a tag needs at least one example');
  bad(edit((d) => (d.tags[0].threshold = 'high')), 'tags[0].threshold must be a number in [-1, 1], got "high"');
  bad(edit((d) => (d.tags[0].name = ' ')), 'tags[0].name: a taught tag needs a name');
});

test('person: an inferred row of the tag table; astronaut.png is a person, the unrelated fixtures are not', async () => {
  const person = inferredTag('person');
  const classes = TAG_TABLE.classes.flatMap((tags, i) => (tags.includes('person') ? [i] : []));
  const personScore = (p) => Math.min(1, classes.reduce((s, i) => s + p[i], 0));
  const photos = ['astronaut.png', 'chelsea.png', 'coffee.png', 'rocket.jpg', ...(await readdir(join(fixtures, 'similar'))).map((f) => `similar/${f}`)];
  const scores = {};
  for (const p of photos) scores[p] = personScore(await probabilities(join(fixtures, p)));
  console.log(`person scores (threshold ${person.threshold}): ${Object.entries(scores).map(([p, s]) => `${p} ${s.toFixed(3)}`).join(', ')}`);
  assert.ok(scores['astronaut.png'] >= person.threshold, `astronaut.png: ${scores['astronaut.png']}`);
  // camera.jpg is a man with a camera on a tripod: not asserted either way (what the classes make of a coat)
  for (const p of photos.filter((p) => !['astronaut.png', 'similar/camera.jpg'].includes(p))) assert.ok(scores[p] < person.threshold, `${p}: ${scores[p]}`);
  const r = await clf.classify(await bytes(join(fixtures, 'astronaut.png')), { maxResults: categoriesNeeded(0.2, 5), withProbabilities: true });
  const tags = deriveTags(r.categories, r.probabilities);
  assert.deepEqual(tags.find((t) => t.tag === 'person'), { tag: 'person', score: scores['astronaut.png'], kind: 'inferred' });
  // its own threshold, not the caller's: below it at any threshold, above it with none of the coarse tags
  assert.ok(!deriveTags(r.categories, r.probabilities, { threshold: 0.01 }).some((t) => t.tag === 'person' && t.score < person.threshold));
  assert.ok(deriveTags(r.categories, r.probabilities, { threshold: 0.99 }).some((t) => t.tag === 'person'));
  assert.equal(searchTerm('People'), 'person');
  assert.equal(searchTerm('dog'), 'dog');
  assert.equal(inferredTag('dog'), undefined);
});

test('XMP: WordNet paths, machine tags under effnet-wasm|machine, confirmed ones plain; exiftool reads them back', async () => {
  // a prerequisite (README): missing, this fails rather than skips
  const exiftool = spawnSync('exiftool', ['-ver'], { encoding: 'utf8' });
  assert.equal(exiftool.status, 0, `exiftool is missing (apt-get install libimage-exiftool-perl): ${exiftool.error ?? exiftool.stderr}`);
  const paths = tagPaths();
  assert.deepEqual(paths.get('cat'), ['animal', 'mammal', 'cat']);
  assert.deepEqual(paths.get('dog'), ['animal', 'mammal', 'dog']);
  assert.deepEqual(paths.get('ship'), ['vehicle', 'boat', 'ship']);
  const r = await clf.classify(await bytes(join(fixtures, 'chelsea.png')), { maxResults: categoriesNeeded(0.2, 5), withProbabilities: true });
  const record = {
    name: 'chelsea.png',
    tags: deriveTags(r.categories, r.probabilities),
    top5: r.categories.slice(0, 5).map((c) => ({ index: c.index, label: c.label, score: c.score })),
    model: { id: 'efficientnet-lite0', sha256: 'cd'.repeat(32) },
  };
  assert.deepEqual(pathOf({ tag: 'tiger cat', kind: 'label' }, record), ['animal', 'mammal', 'cat', 'tiger cat']);
  const odd = 'Tom & "Jerry" <3 café 猫';
  const xml = xmpSidecar(record, { confirmed: [odd], taught: [{ tag: 'Garfield', score: 0.8123 }], generator: 'effnet-wasm test' });
  assert.ok(isOurs(xml));
  assert.equal(escapeXml('a&b<c>"d\'\u0001'), 'a&amp;b&lt;c&gt;&quot;d&apos;');
  const dir = await mkdtemp(join(tmpdir(), 'effnet-xmp-'));
  try {
    const file = join(dir, 'chelsea.png.xmp');
    await writeFile(file, xml);
    const out = spawnSync('exiftool', ['-j', '-struct', '-XMP:all', file], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    const [x] = JSON.parse(out.stdout);
    console.log(JSON.stringify({ Subject: x.Subject, HierarchicalSubject: x.HierarchicalSubject }));
    const subjects = [x.Subject].flat();
    const hier = [x.HierarchicalSubject].flat();
    for (const t of ['tiger cat', 'Egyptian cat', 'cat', 'mammal', 'animal', 'Garfield', odd]) assert.ok(subjects.includes(t), `dc:subject has ${t}: ${subjects}`);
    assert.ok(hier.includes(odd), 'a confirmed tag sits at the top, as the user named it');
    assert.ok(hier.includes([...MACHINE_ROOT, 'animal', 'mammal', 'cat'].join('|')), hier.join(', '));
    assert.ok(hier.includes([...MACHINE_ROOT, 'animal', 'mammal', 'cat', 'tiger cat'].join('|')), hier.join(', '));
    assert.ok(hier.includes([...MACHINE_ROOT, 'Garfield'].join('|')), 'a taught-tag suggestion is a machine tag');
    assert.ok(!hier.some((h) => h === 'animal|mammal|cat'), 'no machine tag outside the machine branch');
    assert.equal(x.CreatorTool, 'effnet-wasm test');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// --- with the real embeddings ---

const venv = process.env.EFFNET_VENV || join(repo, '.venv');

test('near-duplicates of the fixtures: every pair\'s cosine, the duplicate groups\' precision and recall, Similar ranks the copies first', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'effnet-similar-'));
  try {
    const made = spawnSync(join(venv, 'bin/python'), [join(repo, 'tools/tagger_photos.py'), 'similar', dir], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const names = (await readdir(dir)).sort();
    const index = new VectorIndex(1280);
    const vec = {};
    for (const n of names) {
      const r = await clf.classify(await bytes(join(dir, n)), { withEmbedding: true });
      vec[n] = quantize(r.embedding.floatEmbedding);
      index.add(n, vec[n]);
    }
    const source = (n) => n.split(/[-.]/)[0];
    const truth = Object.fromEntries(names.map((n) => [n, source(n)]));
    let minSame = 1;
    let maxOther = -1;
    const rows = [];
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        const c = cosine(vec[names[i]], vec[names[j]]);
        if (source(names[i]) === source(names[j])) {
          minSame = Math.min(minSame, c);
          rows.push(`${names[i]} ~ ${names[j]} ${c.toFixed(3)}`);
        } else maxOther = Math.max(maxOther, c);
      }
    }
    console.log(`same photo: ${rows.join(', ')}`);
    console.log(`lowest cosine between copies of one photo ${minSame.toFixed(3)}, highest between different photos ${maxOther.toFixed(3)}`);
    for (const t of [0.5, 0.6, 0.7, DUPLICATE_THRESHOLD, 0.85, 0.9]) {
      const s = pairScores(duplicateGroups(index, { threshold: t }), truth);
      console.log(`threshold ${t}: precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)} (${s.right} of ${s.found} pairs found right, ${s.real} real)`);
    }
    const s = pairScores(duplicateGroups(index), truth);
    assert.ok(s.precision >= 0.9, JSON.stringify(s));
    const unrotated = Object.fromEntries(Object.entries(truth).filter(([n]) => !n.includes('-rot90')));
    const groups = duplicateGroups(index).map((g) => ({ keys: g.keys.filter((k) => k in unrotated) }));
    assert.equal(pairScores(groups, unrotated).recall, 1, 'every re-encoded, halved and cropped copy is grouped with its original');
    // Similar: the 4 copies of each source come before any other photo
    for (const src of ['astronaut', 'chelsea', 'coffee', 'rocket', 'camera']) {
      const hits = index.search(vec[`${src}.png`], { k: 4, exclude: `${src}.png` });
      assert.deepEqual(hits.map((h) => source(h.key)), [src, src, src, src], `${src}: ${hits.map((h) => `${h.key} ${h.score.toFixed(3)}`).join(', ')}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
