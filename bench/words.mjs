// The everyday words people search for, measured on the labelled set (tests/fixtures/subjects/,
// each photo's `words`): precision and recall of what the tagger's search (tags.js
// filterRecords over its WordNet tags and the curated rows of models/tool/wordnet_tags.py) returns
// for each word; the table is docs/tagger.md#everyday-words.
//
//   node bench/words.mjs [--features FILE]
import { fileURLToPath } from 'node:url';
import { labelledSet, records } from './taught.mjs';
import { filterRecords } from '../www/tagger/tags.js';

export const WORDS = ['beach', 'mountain', 'food', 'car', 'flower', 'snow', 'sunset', 'city', 'baby', 'dog', 'cat', 'person', 'animal', 'bird', 'fish', 'fruit', 'building', 'tool', 'insect', 'plant', 'water'];

/** Per word: photos labelled with it, found by the search, right among them. */
export function measureWords(photos, recs) {
  const byKey = new Map(photos.map((p) => [p.file, p]));
  const withPath = recs.map((r) => ({ ...r, path: r.key }));
  return WORDS.map((word) => {
    const found = filterRecords(withPath, word).map((h) => h.record.key);
    const real = photos.filter((p) => p.words.includes(word)).length;
    const right = found.filter((k) => byKey.get(k).words.includes(word)).length;
    return { word, real, found: found.length, right, precision: found.length ? right / found.length : null, recall: real ? right / real : null };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--features');
  const photos = await labelledSet();
  const recs = await records(photos, { features: i > 0 ? process.argv[i + 1] : undefined });
  const f = (x) => (x === null ? '–' : x.toFixed(2));
  console.log('| word | photos labelled | found | right | precision | recall |\n|---|---|---|---|---|---|');
  for (const m of measureWords(photos, recs)) console.log(`| ${m.word} | ${m.real} | ${m.found} | ${m.right} | ${f(m.precision)} | ${f(m.recall)} |`);
}
