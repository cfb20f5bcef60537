// The tagger's pure parts (www/tagger/tags.js, export.js, folder.js) on real classifications:
// the fixture photos through the Node build of the library and the real Lite0 model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ImageClassifier } from 'effnet-wasm';
import { deriveTags, filterRecords, tagCounts, shortLabel, TAG_TABLE } from '../../www/tagger/tags.js';
import { toCSV, toJSON, sidecar, sidecarName } from '../../www/tagger/export.js';
import { fileKey, isImageName } from '../../www/tagger/folder.js';

const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });
const classify = async (name) => (await clf.classify(new Uint8Array(await readFile(new URL(`../fixtures/${name}`, import.meta.url))), { maxResults: -1 })).categories;
const byTag = (tags) => Object.fromEntries(tags.map((t) => [t.tag, t]));

test('the shipped table covers the 1000 classes; Samoyed is a dog', () => {
  assert.equal(TAG_TABLE.classes.length, 1000);
  assert.deepEqual(TAG_TABLE.classes[258], ['dog', 'mammal', 'animal']);
  assert.equal(shortLabel('Samoyed, Samoyede'), 'Samoyed');
});

test('chelsea.png: the fine labels above the threshold, then cat / mammal / animal with their summed probability', async () => {
  const cats = await classify('chelsea.png');
  assert.equal(cats.length, 1000);
  const tags = deriveTags(cats);
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
  const coffee = byTag(deriveTags(await classify('coffee.png')));
  assert.deepEqual(Object.keys(coffee).slice(0, 3).sort(), ['drink', 'espresso', 'food']);
  assert.ok(coffee.drink.score > 0.95);
  const rocket = byTag(deriveTags(await classify('rocket.jpg')));
  assert.ok(rocket.missile && rocket.weapon, Object.keys(rocket).join(', '));
  // a stricter threshold keeps the top-1 and drops the rest below it
  const strict = deriveTags(await classify('rocket.jpg'), { threshold: 0.99 });
  assert.deepEqual(strict.map((t) => t.tag), ['missile']);
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

test('CSV: quoted where needed, tags with scores, model id and version; JSON and sidecars hold the same', () => {
  const records = [rec('Trip, "2024"/beach.jpg', [['seashore', 0.81234567], ['beach', 0.9]]), rec('x/bad.png', [], { error: { message: "'bad.png' is not an image" } })];
  const csv = toCSV(records).split('\r\n');
  assert.equal(csv[0], 'file,path,size,last_modified,label,label_score,tags,model,model_version,error');
  assert.equal(csv[1], `beach.jpg,"Trip, ""2024""/beach.jpg",10,1970-01-01T00:00:00.000Z,seashore,0.8123,seashore:0.8123;beach:0.9,efficientnet-lite0,sha256:abababababababab,`);
  assert.equal(csv[2], `bad.png,x/bad.png,10,1970-01-01T00:00:00.000Z,,,,efficientnet-lite0,sha256:abababababababab,'bad.png' is not an image`);
  const json = JSON.parse(toJSON(records));
  assert.equal(json.photos.length, 2);
  assert.deepEqual(json.photos[0].tags[1], { tag: 'beach', score: 0.9, kind: 'coarse' });
  assert.equal(json.photos[1].error, "'bad.png' is not an image");
  const side = JSON.parse(sidecar(records[0]));
  assert.deepEqual(side['dc:subject'], ['seashore', 'beach']);
  assert.equal(sidecarName('IMG_1.jpg'), 'IMG_1.jpg.tags.json');
});

test('files: images by type or name; the key changes with size and modification time', () => {
  assert.ok(isImageName('a.JPG') && isImageName('x', 'image/png') && isImageName('p.heic'));
  assert.ok(!isImageName('notes.txt', 'text/plain') && !isImageName('a.jpg.tags.json'));
  const f = { size: 3, lastModified: 5 };
  assert.notEqual(fileKey({ file: f, path: 'a/b.jpg' }), fileKey({ file: { ...f, size: 4 }, path: 'a/b.jpg' }));
  assert.notEqual(fileKey({ file: f, path: 'a/b.jpg' }), fileKey({ file: { ...f, lastModified: 6 }, path: 'a/b.jpg' }));
  assert.notEqual(fileKey({ file: f, path: 'a/b.jpg' }), fileKey({ file: f, path: 'c/b.jpg' }));
});
