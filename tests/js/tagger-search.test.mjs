// Search that forgives what people type (www/tagger/tags.js): plurals find the singular tag,
// a word that is no tag gets the nearest tags the collection has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterRecords, nearestTags, wordForms } from '../../www/tagger/tags.js';

const rec = (path, ...tags) => ({ path, tags: tags.map(([tag, score]) => ({ tag, score, kind: 'coarse' })) });
const records = [
  rec('dog.jpg', ['dog', 0.9], ['animal', 0.97]),
  rec('bowl.jpg', ['fruit', 0.6], ['food', 0.7]),
  rec('berry.jpg', ['berry', 0.4], ['fruit', 0.5]),
  rec('hall.jpg', ['building', 0.5]),
  rec('glass.jpg', ['glass', 0.3]),
];
const paths = (q) => filterRecords(records, q).map((h) => h.record.path).sort();

test('plurals find the singular tag: dogs, animals, fruits, buildings, berries; a word ending in s stays itself when it is a tag', () => {
  assert.deepEqual(paths('dogs'), ['dog.jpg']);
  assert.deepEqual(paths('Animals'), ['dog.jpg']);
  assert.deepEqual(paths('fruits'), ['berry.jpg', 'bowl.jpg']);
  assert.deepEqual(paths('buildings'), ['hall.jpg']);
  assert.deepEqual(paths('berries'), ['berry.jpg']);
  assert.deepEqual(paths('glass'), ['glass.jpg']);
  assert.deepEqual(paths('glasses'), ['glass.jpg']);
  assert.deepEqual(paths('cats'), []);
  assert.deepEqual(wordForms('bus'), ['bus', 'bu']);
});

test('a word that is no tag: the nearest tags present, by spelling or prefix, none when nothing is near', () => {
  const tags = ['dog', 'animal', 'fruit', 'food', 'berry', 'building', 'glass'];
  assert.deepEqual(nearestTags('dgo', tags), ['dog']);
  assert.deepEqual(nearestTags('fruti', tags), ['fruit']);
  assert.deepEqual(nearestTags('build', tags), ['building']);
  assert.deepEqual(nearestTags('xylophone', tags), []);
});
