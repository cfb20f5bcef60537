// How well a taught tag finds the other photos of its subject: the labelled set
// (tests/fixtures/subjects/, 12 subjects and distractors, real photographs) classified by the
// library in Node, then, for each subject and k examples drawn at random (seeded), the tag
// taught from them applied to the rest of the set. Precision and recall of what is suggested,
// for the method before (nearest centroid of raw embeddings, cosine 0.5) and now
// (www/tagger/taught.js), on the development subjects (where the method's constants were
// chosen) and the held-out ones; before and after one review of what the page's suggestions
// list shows (the user confirms the photos of the subject, rejects the others); and the curve
// (precision and recall by threshold) of the method now.
//
//   node bench/taught.mjs [--draws N] [--features FILE]   (FILE: {photo: {e, p}} instead of the library)
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VectorIndex, quantize, toUnit } from '../www/tagger/vectors.js';
import { applyTag, judge, taughtSpace, teach, TAUGHT_THRESHOLD } from '../www/tagger/taught.js';
import { deriveTags } from '../www/tagger/tags.js';

export const DEV_SUBJECTS = ['fish', 'hammer', 'bird', 'flower', 'windmill', 'apple'];
export const SHOWN_BELOW = 6; // teach-ui.js NEAR_MISSES: the photos below the threshold the list shows

const dir = fileURLToPath(new URL('../tests/fixtures/subjects/', import.meta.url));

/** The labelled set: [{file, subject, words, ...}] (subjects.json). */
export async function labelledSet() {
  return JSON.parse(await readFile(join(dir, 'subjects.json'), 'utf8')).photos;
}

/** Records as the tagger makes them (key, embedding {q, norm}, tags), from the library or a features file. */
export async function records(photos, { features } = {}) {
  if (features) {
    const f = JSON.parse(await readFile(features, 'utf8'));
    return photos.map((p) => {
      const probs = f[p.file].p;
      const categories = [...probs.keys()].sort((a, b) => probs[b] - probs[a]).slice(0, 6).map((i) => ({ index: i, label: String(i), score: probs[i] }));
      return { key: p.file, embedding: quantize(f[p.file].e), tags: deriveTags(categories, probs) };
    });
  }
  const { ImageClassifier } = await import('effnet-wasm');
  const { categoriesNeeded } = await import('../www/tagger/tags.js');
  const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });
  const out = [];
  for (const p of photos) {
    const r = await clf.classify(new Uint8Array(await readFile(join(dir, p.file))), { maxResults: categoriesNeeded(0.2, 5), withProbabilities: true, withEmbedding: true });
    out.push({ key: p.file, embedding: quantize(r.embedding.floatEmbedding), tags: deriveTags(r.categories, r.probabilities) });
  }
  clf.dispose();
  return out;
}

// seeded random numbers (mulberry32): the same draws every run
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const sample = (rand, list, k) => {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k);
};

/** The method before: nearest centroid of the raw embeddings, a fixed cosine of 0.5 (taught.js until version 2). */
function applyBefore(tag, index) {
  const sum = new Float64Array(index.dims);
  for (const e of tag.positives) toUnit(e).forEach((v, i) => (sum[i] += v));
  const cp = quantize(sum);
  const dp = index.dots(cp.q);
  let dn = null, cn = null;
  if (tag.negatives.length) {
    const s = new Float64Array(index.dims);
    for (const e of tag.negatives) toUnit(e).forEach((v, i) => (s[i] += v));
    cn = quantize(s);
    dn = index.dots(cn.q);
  }
  const pos = new Set(tag.positives.map((e) => e.key));
  const neg = new Set(tag.negatives.map((e) => e.key));
  return index.keys.map((key, r) => {
    const score = dp[r] / (index.norms[r] * cp.norm);
    const nearer = !dn || score > dn[r] / (index.norms[r] * cn.norm);
    const kind = pos.has(key) ? 'positive' : neg.has(key) ? 'negative' : null;
    return { key, score, kind, suggested: kind === 'positive' || (kind !== 'negative' && score >= 0.5 && nearer) };
  }).sort((a, b) => b.score - a.score);
}

export const METHODS = {
  before: (tag, index) => applyBefore(tag, index),
  now: (tag, index, space) => applyTag(tag, index, { space }),
};

/**
 * One taught tag from k random examples of `subject`, reviewed `rounds` times.
 * @returns {{precision, recall, applied}} over the photos other than the k examples
 */
export function trial({ recs, subjectOf, index, space, method, subject, examples, rounds = 0, threshold }) {
  const byKey = new Map(recs.map((r) => [r.key, r]));
  let tag = teach('t', examples.map((k) => byKey.get(k)));
  if (threshold !== undefined) tag.threshold = threshold;
  let applied = METHODS[method](tag, index, space);
  for (let round = 0; round < rounds; round++) {
    const open = applied.filter((a) => !a.kind);
    const shown = [...open.filter((a) => a.suggested), ...open.filter((a) => !a.suggested).slice(0, SHOWN_BELOW)];
    for (const a of shown) tag = judge(tag, byKey.get(a.key), subjectOf(a.key) === subject ? 'positive' : 'negative');
    applied = METHODS[method](tag, index, space);
  }
  const ex = new Set(examples);
  const rest = applied.filter((a) => !ex.has(a.key));
  const found = rest.filter((a) => a.suggested);
  const right = found.filter((a) => subjectOf(a.key) === subject).length;
  const real = rest.filter((a) => subjectOf(a.key) === subject).length;
  return { precision: found.length ? right / found.length : 1, recall: right / real, applied: rest };
}

/** Mean precision and recall over subjects × draws; subjects with fewer than k + 2 photos are left out. */
export function measure({ recs, photos, subjects, k, draws = 30, method, rounds = 0, threshold, seed = 1 }) {
  const subjectOf = ((m) => (key) => m.get(key))(new Map(photos.map((p) => [p.file, p.subject])));
  const index = VectorIndex.from(recs);
  const space = taughtSpace(index, (key) => recs.find((r) => r.key === key)?.tags);
  const rand = random(seed);
  const runs = [];
  for (const subject of subjects) {
    const keys = photos.filter((p) => p.subject === subject).map((p) => p.file);
    if (keys.length < k + 2) continue;
    for (let d = 0; d < draws; d++) runs.push(trial({ recs, subjectOf, index, space, method, subject, examples: sample(rand, keys, k), rounds, threshold }));
  }
  const mean = (f) => runs.reduce((s, r) => s + f(r), 0) / runs.length;
  return { precision: mean((r) => r.precision), recall: mean((r) => r.recall), runs: runs.length };
}

async function main() {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const draws = Number(arg('--draws', 30));
  const photos = await labelledSet();
  const recs = await records(photos, { features: arg('--features') });
  const all = [...new Set(photos.map((p) => p.subject).filter(Boolean))];
  const sets = { development: DEV_SUBJECTS, 'held-out': all.filter((s) => !DEV_SUBJECTS.includes(s)), all };
  const f = (x) => x.toFixed(3);
  console.log(`${photos.length} photos, ${all.length} subjects, ${draws} draws per subject; threshold now ${TAUGHT_THRESHOLD}`);
  console.log('| examples | subjects | before: P, R | before, one review | now: P, R | now, one review |');
  console.log('|---|---|---|---|---|---|');
  for (const k of [2, 3, 5]) {
    for (const [name, subjects] of Object.entries(sets)) {
      const cell = (method, rounds) => {
        const m = measure({ recs, photos, subjects, k, draws, method, rounds });
        return `${f(m.precision)}, ${f(m.recall)}`;
      };
      console.log(`| ${k} | ${name} | ${cell('before', 0)} | ${cell('before', 1)} | ${cell('now', 0)} | ${cell('now', 1)} |`);
    }
  }
  console.log('\ncurve of the method now, 3 examples, no review (held-out subjects | all):');
  console.log('| threshold | P, R held-out | P, R all |');
  console.log('|---|---|---|');
  for (const t of [0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]) {
    const h = measure({ recs, photos, subjects: sets['held-out'], k: 3, draws, method: 'now', threshold: t });
    const a = measure({ recs, photos, subjects: all, k: 3, draws, method: 'now', threshold: t });
    console.log(`| ${t} | ${f(h.precision)}, ${f(h.recall)} | ${f(a.precision)}, ${f(a.recall)} |`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
