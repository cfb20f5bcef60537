// The likeness (cosine of two photos' embeddings) that means "the same subject", measured on the
// labelled set (tests/fixtures/subjects/): every pair of its photos, precision (the pairs at or
// above a threshold that are of one subject) and recall (the same-subject pairs reaching it).
// www/tagger/similar.js SIMILAR_THRESHOLD comes from this table.
//
//   node bench/likeness.mjs [--features FILE]
import { fileURLToPath } from 'node:url';
import { labelledSet, records } from './taught.mjs';
import { VectorIndex } from '../www/tagger/vectors.js';

export const THRESHOLDS = [0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8];

/** Per threshold: pairs at or above it, those of one subject, precision, recall; with the pairs' cosines. */
export function measureLikeness(photos, recs) {
  const subject = new Map(photos.map((p) => [p.file, p.subject]));
  const index = VectorIndex.from(recs);
  const pairs = [];
  for (const r of recs) {
    for (const h of index.search(index.get(r.key), { k: index.size, exclude: r.key })) {
      if (h.key > r.key) pairs.push({ score: h.score, same: !!subject.get(r.key) && subject.get(r.key) === subject.get(h.key) });
    }
  }
  const same = pairs.filter((p) => p.same).length;
  const rows = THRESHOLDS.map((t) => {
    const above = pairs.filter((p) => p.score >= t);
    const right = above.filter((p) => p.same).length;
    return { threshold: t, above: above.length, right, precision: above.length ? right / above.length : null, recall: right / same };
  });
  return { pairs, same, rows };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--features');
  const photos = await labelledSet();
  const recs = await records(photos, { features: i > 0 ? process.argv[i + 1] : undefined });
  const { pairs, same, rows } = measureLikeness(photos, recs);
  console.log(`${pairs.length} pairs, ${same} of one subject\n| likeness ≥ | pairs | of one subject | precision | recall |\n|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.threshold} | ${r.above} | ${r.right} | ${r.precision === null ? '–' : r.precision.toFixed(3)} | ${r.recall.toFixed(3)} |`);
  const q = (a, x) => a[Math.floor(x * (a.length - 1))].toFixed(3);
  const other = pairs.filter((p) => !p.same).map((p) => p.score).sort((a, b) => a - b);
  console.log(`unrelated pairs: median ${q(other, 0.5)}, 99th percentile ${q(other, 0.99)}, highest ${q(other, 1)}`);
}
