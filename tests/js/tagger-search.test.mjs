// Search that forgives what people type (www/tagger/tags.js): plurals find the singular tag,
// a word that is no tag gets the nearest tags the collection has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterRecords, nearestTags, searchTerm, unknownWord, wordForms } from '../../www/tagger/tags.js';

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

test('the words a class is known by find it: "football" the soccer ball "soccer" finds, "flowerpot" the pot, a row\'s search words its tag', () => {
  const recs = [
    rec('messi.jpg', ['soccer ball', 0.69], ['ball', 0.8], ['football helmet', 0.21]),
    rec('plant.jpg', ['pot', 0.6], ['plant', 0.6]),
    rec('rex.jpg', ['dog', 0.9]),
    rec('lake.jpg', ['water', 0.7]),
  ];
  const find = (q) => filterRecords(recs, q).map((h) => h.record.path).sort();
  assert.deepEqual(find('football'), ['messi.jpg']);
  assert.deepEqual(find('footballs'), ['messi.jpg']);
  assert.deepEqual(find('soccer'), ['messi.jpg']);
  assert.deepEqual(find('flowerpot'), ['plant.jpg']);
  assert.deepEqual(find('potted plant'), ['plant.jpg']);
  assert.deepEqual(find('puppies'), ['rex.jpg']);
  assert.deepEqual(find('lake'), ['lake.jpg']);
  assert.equal(searchTerm('polar bear'), 'ice bear');
});

test('a word the table knows is searched exactly: "water" finds no waterbird where no photo has water; an unknown word says why', () => {
  const recs = [rec('goose.jpg', ['goose', 0.9], ['waterbird', 0.95], ['bird', 0.99])];
  assert.deepEqual(filterRecords(recs, 'water'), []);
  // a word the table does not know still finds by prefix ("wat" -> waterbird)
  assert.deepEqual(filterRecords(recs, 'wat').map((h) => h.record.path), ['goose.jpg']);
  assert.deepEqual(filterRecords(recs, 'sunset'), []);
  assert.match(unknownWord('sunsets'), /^ImageNet has no class for a sunset/);
  assert.match(unknownWord('City'), /^ImageNet has no class for a city/);
  assert.equal(unknownWord('dog'), undefined);
});

test('a taught tag named like a search word ("Puppy") is searched as itself, not as the tag the word stands for ("dog")', () => {
  const recs = [
    { path: 'rex.jpg', tags: [{ tag: 'dog', score: 0.9, kind: 'coarse' }], taught: [{ tag: 'Puppy', score: 0.8, kind: 'taught' }] },
    { path: 'other-dog.jpg', tags: [{ tag: 'dog', score: 0.9, kind: 'coarse' }] },
  ];
  assert.deepEqual(filterRecords(recs, 'Puppy').map((h) => h.record.path), ['rex.jpg']);
  assert.deepEqual(filterRecords(recs.slice(1), 'puppy').map((h) => h.record.path), ['other-dog.jpg']);
  // "Kitty" is a pet's name before it is a cat: no search word of the table
  assert.equal(searchTerm('kitty'), 'kitty');
});
