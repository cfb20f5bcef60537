// The space taught tags are scored in (taught.js): a photo is its embedding's direction minus
// the collection's mean direction (re-normalised), beside its coarse tags' scores (TAG_WEIGHT).
// Why: Lite0's pooled features are all non-negative, so any two photos share a large common
// component and an unrelated photo is as close to a subject's examples as another photo of it
// (docs/tagger.md#teach-a-tag); removing the collection's mean leaves what sets the examples
// apart from the rest of *this* collection. The coarse tags ("bird", "fish", "tool") are the
// classifier's own view of what is in the photo: two different photos of a subject share them
// when their pixels do not. Measured on tests/fixtures/subjects/ (bench/taught.mjs). Pure: no DOM.
import { quantize } from './vectors.js';

/** The coarse tags' weight beside the embedding (both unit length): chosen on the labelled set's development subjects. */
export const TAG_WEIGHT = 0.5;

/**
 * The collection's mean is shrunk by n / (n + MEAN_PRIOR): a mean of a handful of photos is no
 * estimate of "what every photo has", and a collection of one photo would otherwise have
 * nothing left once its mean is removed.
 */
export const MEAN_PRIOR = 8;

/** A photo's tag part: its coarse and inferred tags' scores by name (the fine labels are left to the embedding). */
export function tagScores(tags) {
  const out = {};
  for (const t of tags ?? []) if ((t.kind === 'coarse' || t.kind === 'inferred') && t.score > 0) out[t.tag] = Math.round(t.score * 1000) / 1000;
  return out;
}

const normOf = (obj) => Math.sqrt(Object.values(obj).reduce((s, v) => s + v * v, 0));

/**
 * The collection's side of the space: its mean direction and, per row, what a score needs.
 * @param {import('./vectors.js').VectorIndex} index
 * @param {(key: string) => Record<string, number> | null} tagsOf a row's tag scores (tagScores)
 */
export function collectionSpace(index, tagsOf) {
  const dims = index.dims;
  const mean = new Float64Array(dims);
  for (let r = 0; r < index.size; r++) {
    const n = index.norms[r];
    if (!n) continue;
    const row = index.data.subarray(r * dims, (r + 1) * dims);
    for (let i = 0; i < dims; i++) mean[i] += row[i] / n;
  }
  if (index.size) for (let i = 0; i < dims; i++) mean[i] /= index.size + MEAN_PRIOR;
  let mm = 0;
  for (let i = 0; i < dims; i++) mm += mean[i] * mean[i];
  const mq = quantize(mean);
  // u·m for every row in one pass over the index: the centred vector's length is 1 - 2 u·m + |m|²
  const um = mq.norm ? index.dots(mq.q) : new Int32Array(index.size);
  const rowLen = new Float64Array(index.size);
  const tags = [];
  const tagLen = new Float64Array(index.size);
  const mLen = Math.sqrt(mm);
  for (let r = 0; r < index.size; r++) {
    const n = index.norms[r];
    const dot = n && mq.norm ? (um[r] / (n * mq.norm)) * mLen : 0;
    rowLen[r] = Math.sqrt(Math.max(0, 1 - 2 * dot + mm));
    tags[r] = tagsOf(index.keys[r]) ?? {};
    tagLen[r] = normOf(tags[r]);
  }
  return { index, mean, mm, rowLen, tags, tagLen };
}

/** One example's point in the space, as floats: {e: centred unit embedding, t: unit tag scores}, weighted. */
function point(space, ex) {
  const { mean } = space;
  const e = new Float64Array(mean.length);
  let len = 0;
  for (let i = 0; i < e.length; i++) {
    e[i] = (ex.norm ? ex.q[i] / ex.norm : 0) - mean[i];
    len += e[i] * e[i];
  }
  len = Math.sqrt(len) || 1;
  const tl = normOf(ex.tags ?? {});
  const a = 1 / Math.sqrt(1 + (tl ? TAG_WEIGHT * TAG_WEIGHT : 0));
  for (let i = 0; i < e.length; i++) e[i] = (e[i] / len) * a;
  const t = {};
  if (tl) for (const [k, v] of Object.entries(ex.tags)) t[k] = (TAG_WEIGHT * a * v) / tl;
  return { e, t };
}

/**
 * Every row's cosine, in the space, with the centroid of `examples` ({q, norm, tags?}); null
 * for none. One pass over the index (its wasm dot product) plus the rows' few tags.
 */
export function scores(space, examples) {
  if (!examples.length) return null;
  const { index, mean, rowLen, tags, tagLen } = space;
  const ce = new Float64Array(mean.length);
  const ct = {};
  for (const ex of examples) {
    const p = point(space, ex);
    for (let i = 0; i < ce.length; i++) ce[i] += p.e[i];
    for (const [k, v] of Object.entries(p.t)) ct[k] = (ct[k] ?? 0) + v;
  }
  let cl = 0;
  for (let i = 0; i < ce.length; i++) cl += ce[i] * ce[i];
  cl = Math.sqrt(cl + Object.values(ct).reduce((s, v) => s + v * v, 0)) || 1;
  const ceLen = Math.sqrt(ce.reduce((s, v) => s + v * v, 0));
  const cq = quantize(ce);
  const ud = cq.norm ? index.dots(cq.q) : new Int32Array(index.size);
  let mc = 0;
  for (let i = 0; i < ce.length; i++) mc += mean[i] * ce[i];
  const out = new Float64Array(index.size);
  for (let r = 0; r < index.size; r++) {
    const n = index.norms[r];
    if (!n || !rowLen[r]) continue;
    // (u - m)·c_e / |u - m|, with u·c_e from the int8 dot product
    const eDot = ((cq.norm ? (ud[r] / (n * cq.norm)) * ceLen : 0) - mc) / rowLen[r];
    let tDot = 0;
    if (tagLen[r]) for (const [k, v] of Object.entries(tags[r])) if (ct[k]) tDot += (v / tagLen[r]) * ct[k];
    const a = 1 / Math.sqrt(1 + (tagLen[r] ? TAG_WEIGHT * TAG_WEIGHT : 0));
    out[r] = (a * (eDot + TAG_WEIGHT * tDot)) / cl;
  }
  return out;
}
