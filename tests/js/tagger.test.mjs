// The tagger's pure parts (www/tagger/tags.js, export.js, folder.js) on real classifications:
// the fixture photos through the Node build of the library and the real Lite0 model; the
// runner (runner.js) with a stand-in classifier into a library on store.js's in-memory store
// (Node has no IndexedDB).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ImageClassifier } from 'effnet-wasm';
import { categoriesNeeded, deriveTags, filterRecords, tagCounts, shortLabel, TAG_TABLE } from '../../www/tagger/tags.js';
import { cell, toCSV, toJSON, sidecar, sidecarName, writeSidecars } from '../../www/tagger/export.js';
import { fileKey, isImageName } from '../../www/tagger/folder.js';
import { partition, run } from '../../www/tagger/runner.js';
import { openStore } from '../../www/tagger/store.js';
import { MemoryStore } from '../../www/tagger/memory-store.js';
import { Library } from '../../www/tagger/library.js';

const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });
const photoBytes = async (name) => new Uint8Array(await readFile(new URL(`../fixtures/${name}`, import.meta.url)));
/** What the runner asks for: the categories the tags need, and the probability vector. */
const classify = async (name, threshold) =>
  clf.classify(await photoBytes(name), { maxResults: categoriesNeeded(threshold, 5), withProbabilities: true });
const tagsOf = async (name, options = {}) => {
  const r = await classify(name, options.threshold);
  return deriveTags(r.categories, r.probabilities, options);
};
const byTag = (tags) => Object.fromEntries(tags.map((t) => [t.tag, t]));

test('the shipped table covers the 1000 classes; Samoyed is a dog', () => {
  assert.equal(TAG_TABLE.classes.length, 1000);
  assert.deepEqual(TAG_TABLE.classes[258], ['dog', 'mammal', 'animal']);
  assert.equal(shortLabel('Samoyed, Samoyede'), 'Samoyed');
});

test('chelsea.png: the fine labels above the threshold, then cat / mammal / animal with their summed probability', async () => {
  const cats = (await clf.classify(await photoBytes('chelsea.png'), { maxResults: -1 })).categories;
  assert.equal(cats.length, 1000);
  const tags = await tagsOf('chelsea.png');
  console.log(tags.map((t) => `${t.tag} ${t.score.toFixed(3)} (${t.kind})`).join(', '));
  const t = byTag(tags);
  assert.equal(t['tiger cat'].kind, 'label');
  assert.equal(t['Egyptian cat'].kind, 'label');
  assert.equal(t.cat.kind, 'coarse');
  // the probability of "cat" is the sum over every cat class, more than any single one
  const catMass = cats.filter((c) => TAG_TABLE.classes[c.index].includes('cat')).reduce((s, c) => s + c.score, 0);
  assert.ok(Math.abs(t.cat.score - catMass) < 1e-6);
  assert.ok(t.cat.score > 0.9 && t.cat.score > t['tiger cat'].score);
  assert.ok(t.animal.score >= t.cat.score - 1e-6);
  assert.ok(!t.dog, 'no dog');
  for (let i = 1; i < tags.length; i++) assert.ok(tags[i - 1].score >= tags[i].score, 'best first');
});

test('coffee.png is an espresso: drink and food; rocket.jpg: missile, a weapon', async () => {
  const coffee = byTag(await tagsOf('coffee.png'));
  assert.deepEqual(Object.keys(coffee).slice(0, 3).sort(), ['drink', 'espresso', 'food']);
  assert.ok(coffee.drink.score > 0.95);
  const rocket = byTag(await tagsOf('rocket.jpg'));
  assert.ok(rocket.missile && rocket.weapon, Object.keys(rocket).join(', '));
  // a stricter threshold keeps the top-1 and drops the rest below it
  const strict = await tagsOf('rocket.jpg', { threshold: 0.99 });
  assert.deepEqual(strict.map((t) => t.tag), ['missile']);
});

test('the tags from the categories the runner asks for and the vector are the ones every category gives', async () => {
  assert.equal(categoriesNeeded(0.2, 5), 6);
  assert.equal(categoriesNeeded(0.01, 5), 101);
  assert.equal(categoriesNeeded(0), -1);
  for (const name of ['chelsea.png', 'coffee.png', 'rocket.jpg', 'astronaut.png']) {
    const every = (await clf.classify(await photoBytes(name), { maxResults: -1 })).categories;
    const byIndex = Float32Array.from({ length: every.length }, (_, i) => every.find((c) => c.index === i).score);
    for (const threshold of [0.2, 0.05, 0.01]) {
      const want = deriveTags(every, byIndex, { threshold });
      const got = await tagsOf(name, { threshold });
      assert.deepEqual(got.map((t) => `${t.tag} (${t.kind})`), want.map((t) => `${t.tag} (${t.kind})`), `${name} at ${threshold}`);
      // the vector holds the exact float32s; the categories' JSON holds their shortest decimals
      for (const [i, t] of got.entries()) assert.ok(Math.abs(t.score - want[i].score) < 1e-6, `${name} ${t.tag}`);
    }
  }
});

const rec = (path, tags, extra = {}) => ({
  key: path,
  path,
  name: path.split('/').pop(),
  size: 10,
  lastModified: 0,
  model: { id: 'efficientnet-lite0', sha256: 'ab'.repeat(32) },
  label: tags[0]?.[0],
  top5: [{ index: 1, label: tags[0]?.[0] ?? '', score: tags[0]?.[1] ?? 0 }],
  tags: tags.map(([tag, score]) => ({ tag, score, kind: 'coarse' })),
  ...extra,
});

test('search: an exact tag, else word prefixes; sorted by the matching tag\'s score', () => {
  const records = [
    rec('a/dog1.jpg', [['dog', 0.6], ['animal', 0.9]]),
    rec('a/dog2.jpg', [['dog', 0.95], ['animal', 0.99]]),
    rec('b/car.jpg', [['sports car', 0.7], ['car', 0.8]]),
    rec('b/cardigan.jpg', [['cardigan', 0.5], ['clothing', 0.6]]),
    rec('b/bad.jpg', [], { error: { message: 'x' } }),
  ];
  const paths = (q, o) => filterRecords(records, q, o).map((h) => h.record.path);
  assert.deepEqual(paths('dog'), ['a/dog2.jpg', 'a/dog1.jpg']);
  assert.deepEqual(paths('DOG', { order: 'asc' }), ['a/dog1.jpg', 'a/dog2.jpg']);
  assert.deepEqual(paths('car'), ['b/car.jpg'], 'exact "car" beats the prefix of cardigan');
  assert.deepEqual(paths('cardi'), ['b/cardigan.jpg']);
  assert.deepEqual(paths('spo'), ['b/car.jpg'], 'a word of "sports car"');
  assert.deepEqual(paths('zebra'), []);
  assert.equal(paths('').length, 4, 'failures are not in the grid');
  assert.deepEqual(tagCounts(records).slice(0, 2), [['animal', 2], ['dog', 2]]);
});

test('CSV: quoted where needed, tags with scores, model id and version; JSON and XMP sidecars hold the same', () => {
  const records = [rec('Trip, "2024"/beach.jpg', [['seashore', 0.81234567], ['beach', 0.9]]), rec('x/bad.png', [], { error: { message: "'bad.png' is not an image" } })];
  const csv = toCSV(records).split('\r\n');
  assert.equal(csv[0], 'file,path,size,last_modified,label,label_score,tags,top5,taught_tags,model,model_version,error');
  assert.equal(csv[1], `beach.jpg,"Trip, ""2024""/beach.jpg",10,1970-01-01T00:00:00.000Z,seashore,0.8123,seashore:0.8123;beach:0.9,seashore:0.8123,,efficientnet-lite0,sha256:abababababababab,`);
  assert.equal(csv[2], `bad.png,x/bad.png,10,1970-01-01T00:00:00.000Z,,,,,,efficientnet-lite0,sha256:abababababababab,'bad.png' is not an image`);
  const json = JSON.parse(toJSON(records));
  assert.equal(json.photos.length, 2);
  assert.deepEqual(json.photos[0].tags[1], { tag: 'beach', score: 0.9, kind: 'coarse' });
  assert.equal(json.photos[1].error, "'bad.png' is not an image");
  const side = sidecar(records[0]);
  assert.deepEqual([...side.matchAll(/<rdf:li>([^<]*)<\/rdf:li>/g)].map((m) => m[1]).slice(0, 2), ['seashore', 'beach']);
  assert.equal(sidecarName('IMG_1.jpg'), 'IMG_1.jpg.xmp');
  // a RAW's: darktable's and digiKam's by default, Lightroom's when chosen
  assert.equal(sidecarName('IMG_1.CR3'), 'IMG_1.CR3.xmp');
  assert.equal(sidecarName('IMG_1.CR3', 'base'), 'IMG_1.xmp');
  assert.equal(sidecarName('a.b.nef', 'base'), 'a.b.xmp');
});

test('files: images by type or name; the key changes with size and modification time', () => {
  assert.ok(isImageName('a.JPG') && isImageName('x', 'image/png') && isImageName('p.heic'));
  // camera RAWs, whose type the browser leaves empty: the folder walk keeps them
  for (const ext of ['dng', 'CR2', 'cr3', 'NEF', 'arw', 'RAF', 'orf', 'rw2']) assert.ok(isImageName(`IMG_1.${ext}`), ext);
  assert.ok(!isImageName('notes.txt', 'text/plain') && !isImageName('a.jpg.tags.json'));
  const f = { size: 3, lastModified: 5 };
  assert.notEqual(fileKey({ file: f, path: 'a/b.jpg' }), fileKey({ file: { ...f, size: 4 }, path: 'a/b.jpg' }));
  assert.notEqual(fileKey({ file: f, path: 'a/b.jpg' }), fileKey({ file: { ...f, lastModified: 6 }, path: 'a/b.jpg' }));
  assert.notEqual(fileKey({ file: f, path: 'a/b.jpg' }), fileKey({ file: f, path: 'c/b.jpg' }));
});

test('CSV: the top-5 column holds label:score for the five best classes, first name of each label', () => {
  const r = rec('a/cat.jpg', [['cat', 0.9]], {
    top5: [
      { index: 282, label: 'tiger cat', score: 0.41 },
      { index: 281, label: 'tabby, tabby cat', score: 0.3 },
      { index: 285, label: 'Egyptian cat', score: 0.2 },
      { index: 287, label: 'lynx, catamount', score: 0.05 },
      { index: 283, label: 'Persian cat', score: 0.01 },
    ],
  });
  const line = toCSV([r]).split('\r\n')[1].split(',');
  assert.equal(line[7], 'tiger cat:0.41;tabby:0.3;Egyptian cat:0.2;lynx:0.05;Persian cat:0.01');
});

test('CSV: cells a spreadsheet would run as a formula (= + - @ tab CR first) are kept as text', () => {
  assert.equal(cell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  assert.equal(cell('+1.jpg'), "'+1.jpg");
  assert.equal(cell('-2.jpg'), "'-2.jpg");
  assert.equal(cell('@SUM(A1).png'), "'@SUM(A1).png");
  assert.equal(cell('\tx.png'), "'\tx.png");
  assert.equal(cell('a=b.jpg'), 'a=b.jpg', 'only a leading sign matters');
  assert.equal(cell(0.5), '0.5');
  const csv = toCSV([rec('=cmd|calc!A1/@x.jpg', [['dog', 0.9]])]).split('\r\n')[1];
  assert.ok(csv.startsWith("'@x.jpg,'=cmd|calc!A1/@x.jpg,"), csv);
});

/** A directory handle whose sidecar writes fail half way; records what was done to the writable. */
function failingDir(log) {
  return {
    queryPermission: async () => 'granted',
    getFileHandle: async (name, o) => {
      if (!o?.create) throw new DOMException(`${name} is not there`, 'NotFoundError');
      return {
      createWritable: async () => ({
        write: async () => {
          log.push(`write ${name}`);
          throw new DOMException('The disk is full.', 'QuotaExceededError');
        },
        close: async () => log.push(`close ${name}`),
        abort: async () => log.push(`abort ${name}`),
      }),
      };
    },
  };
}

test('sidecars: a failed write aborts the writable (no temporary file left) and names the file', async () => {
  const log = [];
  const { written, failed } = await writeSidecars([{ record: rec('trip/IMG_1.jpg', [['dog', 0.9]]), dir: failingDir(log) }]);
  assert.equal(written, 0);
  assert.deepEqual(log, ['write IMG_1.jpg.xmp', 'abort IMG_1.jpg.xmp']);
  assert.deepEqual(failed, [{ path: 'trip/IMG_1.jpg', message: 'IMG_1.jpg.xmp could not be written: The disk is full.' }]);
});

const photo = (path, size = 10) => ({ file: { name: path.split('/').pop(), size, lastModified: 1 }, path, dir: null });
const MODEL = { id: 'm', sha256: 'ab'.repeat(32) };

test('resume: a photo that failed for a passing reason is classified again; an undecodable one is not', async () => {
  const { store, unavailable } = await openStore();
  assert.ok(unavailable && store instanceof MemoryStore, 'Node has no IndexedDB: the in-memory store stands in');
  const library = new Library(store);
  const entries = ['r/ok.jpg', 'r/corrupt.jpg', 'r/crashed.jpg', 'r/inference.jpg', 'r/new.jpg'].map((p) => photo(p));
  const stored = (e, extra) => store.put({ key: fileKey(e), path: e.path, name: e.file.name, model: MODEL, tags: [], ...extra });
  await stored(entries[0], { label: 'dog' });
  await stored(entries[1], { error: { code: 'BAD_IMAGE', message: 'not an image' } });
  await stored(entries[2], { error: { code: 'WORKER_CRASHED', message: 'the worker died' } });
  await stored(entries[3], { error: { code: 'INFERENCE', message: 'out of memory' } });
  const { known, todo } = await partition(library, entries, MODEL);
  assert.deepEqual(known.map((r) => r.path), ['r/ok.jpg', 'r/corrupt.jpg']);
  assert.deepEqual(todo.map((e) => e.path), ['r/crashed.jpg', 'r/inference.jpg', 'r/new.jpg']);
  // the corrupt file replaced (another size): classified again
  assert.deepEqual((await partition(library, [photo('r/corrupt.jpg', 11)], MODEL)).todo.length, 1);
});

/** A stand-in classifier: `outcome(name)` is a result or an error, after `ms(name)`. */
function fakeClassifier(outcome, ms = () => 1) {
  const calls = [];
  return {
    calls,
    model: { ...MODEL, output: { labels: 'other' } },
    async classify(file) {
      calls.push(file.name);
      await new Promise((r) => setTimeout(r, ms(file.name)));
      const o = outcome(file.name);
      if (o instanceof Error) throw o;
      return { categories: [{ index: 0, label: o, score: 0.9 }], probabilities: new Float32Array([0.9, 0.1]), timing: {} };
    },
  };
}
const effnetError = (code) => Object.assign(new Error(`failed: ${code}`), { code });

test('run: a fatal error (DISPOSED) stops every lane; the run ends only when they all have', async () => {
  const library = new Library(new MemoryStore());
  // p1 fails while p0 is still in flight in the other lane
  const clf = fakeClassifier((name) => (name === 'p1.jpg' ? effnetError('DISPOSED') : 'dog'), (name) => (name === 'p1.jpg' ? 5 : 40));
  const todo = Array.from({ length: 12 }, (_, i) => photo(`f/p${i}.jpg`));
  await assert.rejects(run(clf, todo, library), { code: 'DISPOSED' });
  const atEnd = clf.calls.length;
  await new Promise((r) => setTimeout(r, 150));
  assert.deepEqual(clf.calls, ['p0.jpg', 'p1.jpg'], 'nothing is classified after the fatal error');
  assert.equal(clf.calls.length, atEnd);
  assert.equal(library.all().length, 1, 'only the photo in flight beside it was kept');
});

test('run: a passing failure is recorded with its code and the run goes on', async () => {
  const store = new MemoryStore();
  const library = new Library(store);
  const clf = fakeClassifier((name) => (name === 'p1.jpg' ? effnetError('WORKER_CRASHED') : 'dog'));
  const todo = Array.from({ length: 4 }, (_, i) => photo(`g/p${i}.jpg`));
  const res = await run(clf, todo, library);
  assert.deepEqual(res, { done: 4, failed: 1, cancelled: false, stored: true });
  const crashed = (await store.all()).find((r) => r.path === 'g/p1.jpg');
  assert.equal(crashed.error.code, 'WORKER_CRASHED');
  assert.equal(library.get(crashed.key), crashed);
});

const EMBEDDING = { name: 'embedding', size: 32 };

/** A stand-in that, like the real classifier, has embed() whatever its model, and refuses
 * withEmbedding (BAD_OPTIONS) when the model's manifest entry has no embedding output. */
function embeddingClassifier(embedding) {
  const clf = fakeClassifier(() => 'dog');
  const classify = clf.classify;
  clf.model = { ...clf.model, output: { ...clf.model.output, ...(embedding && { embedding }) } };
  clf.embed = async () => ({});
  clf.asked = [];
  clf.classify = async (file, options) => {
    clf.asked.push(options.withEmbedding);
    if (options.withEmbedding && !embedding) throw effnetError('BAD_OPTIONS');
    const r = await classify(file, options);
    return options.withEmbedding ? { ...r, embedding: { floatEmbedding: Float32Array.from({ length: 32 }, (_, i) => Math.sin(i)), headIndex: 0, headName: 'embedding' } } : r;
  };
  return clf;
}

test('run: where the model has an embedding output it is asked for and stored quantised; a record without one is tagged again', async () => {
  const store = new MemoryStore();
  const library = new Library(store);
  const clf = embeddingClassifier(EMBEDDING);
  const todo = [photo('e/p0.jpg')];
  await run(clf, todo, library);
  assert.deepEqual(clf.asked, [true]);
  const [r] = await store.all();
  assert.ok(r.embedding.q instanceof Int8Array && r.embedding.q.length === 32);
  assert.equal(Math.max(...r.embedding.q.map(Math.abs)), 127);
  assert.deepEqual((await partition(library, todo, MODEL, { needEmbedding: true })).known.length, 1);
  // a version-1 record (no embedding): kept as it is without embeddings, tagged again with them
  await store.put({ ...r, embedding: undefined });
  assert.equal((await partition(library, todo, MODEL)).known.length, 1);
  assert.equal((await partition(library, todo, MODEL, { needEmbedding: true })).todo.length, 1);
});

test('run: a model without an embedding output (its classifier still has embed()) tags every photo, asking for none', async () => {
  const library = new Library(new MemoryStore());
  const clf = embeddingClassifier(null);
  const res = await run(clf, [photo('n/p0.jpg'), photo('n/p1.jpg')], library);
  assert.deepEqual(clf.asked, [undefined, undefined]);
  assert.deepEqual(res, { done: 2, failed: 0, cancelled: false, stored: true });
  assert.deepEqual(library.all().map((r) => [r.label, r.error?.code, r.embedding]), [['dog', undefined, undefined], ['dog', undefined, undefined]]);
});
