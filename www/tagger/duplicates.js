// Near-duplicate groups: every pair of photos whose embeddings' cosine reaches a threshold is
// joined (union-find), so a re-encode, a resize and a crop of the same photo end in one group
// even when the crop is closer to the original than to the resize. Pure: no DOM.
//
// Then what a person acts on: each group best copy first, which to keep, the list of the
// others to export (Immich's duplicate tool's keep and trash, but the page deletes nothing).
//
// Cost: all pairs, n²/2 dot products (a VectorIndex.dots pass per photo over the rows after
// it): about as long as n/2 Similar queries; `npm run bench:similar` prints it.

import { cell } from './export.js';

/**
 * The cosine at or above which two photos count as the same picture, chosen from the
 * fixtures' near-duplicates (tools/tagger_photos.py similar; tests/js/tagger-similar.test.mjs
 * prints every pair's cosine): a re-encode at JPEG quality 30, a half-size copy and a 10 %
 * crop stay at 0.80 or more from each other and the original; two unrelated photos reach
 * 0.35. A copy rotated by 90° falls to 0.48-0.88 (the features are not rotation invariant):
 * a threshold low enough for all of them would be a margin of 0.1 over unrelated photos and
 * group photos that are merely alike, so rotated copies are found only when they stay close.
 * See docs/tagger.md#duplicates.
 */
export const DUPLICATE_THRESHOLD = 0.8;

class UnionFind {
  constructor(n) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(i) {
    while (this.parent[i] !== i) i = this.parent[i] = this.parent[this.parent[i]];
    return i;
  }
  union(a, b) {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/**
 * @param {import('./vectors.js').VectorIndex} index
 * @param {{threshold?: number}} [o]
 * @returns {{keys: string[], min: number, max: number}[]} groups of 2 or more, largest first;
 *   min/max: the lowest and highest cosine of the pairs that joined the group
 */
export function duplicateGroups(index, { threshold = DUPLICATE_THRESHOLD } = {}) {
  const n = index.size;
  const uf = new UnionFind(n);
  const lo = new Float64Array(n).fill(Infinity);
  const hi = new Float64Array(n).fill(-Infinity);
  const pairs = [];
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const ni = index.norms[i];
    if (!ni) continue;
    index.dots(index.data.subarray(i * index.dims, (i + 1) * index.dims), out, i + 1);
    for (let j = i + 1; j < n; j++) {
      const nj = index.norms[j];
      const c = nj ? out[j - i - 1] / (ni * nj) : 0;
      if (c >= threshold) pairs.push([i, j, c]);
    }
  }
  for (const [i, j] of pairs) uf.union(i, j);
  for (const [i, , s] of pairs) {
    const r = uf.find(i);
    lo[r] = Math.min(lo[r], s);
    hi[r] = Math.max(hi[r], s);
  }
  const groups = new Map();
  for (let i = 0; i < n; i++) {
    const r = uf.find(i);
    if (!groups.has(r)) groups.set(r, []);
    groups.get(r).push(index.keys[i]);
  }
  return [...groups]
    .filter(([, keys]) => keys.length > 1)
    .map(([r, keys]) => ({ keys: keys.sort(), min: lo[r], max: hi[r] }))
    .sort((a, b) => b.keys.length - a.keys.length || b.max - a.max || a.keys[0].localeCompare(b.keys[0]));
}

/**
 * Pairwise precision and recall of `groups` against the truth (`truth`: key -> the name of
 * the photo it was derived from; keys missing from it are singletons): a pair put in one
 * group is right when both come from the same photo.
 */
export function pairScores(groups, truth) {
  const pairsOf = (sets) => {
    const s = new Set();
    for (const keys of sets) for (let i = 0; i < keys.length; i++) for (let j = i + 1; j < keys.length; j++) s.add([keys[i], keys[j]].sort().join('\0'));
    return s;
  };
  const found = pairsOf(groups.map((g) => g.keys));
  const bySource = new Map();
  for (const [key, src] of Object.entries(truth)) {
    if (!bySource.has(src)) bySource.set(src, []);
    bySource.get(src).push(key);
  }
  const real = pairsOf([...bySource.values()]);
  let right = 0;
  for (const p of found) if (real.has(p)) right++;
  return { precision: found.size ? right / found.size : 1, recall: real.size ? right / real.size : 1, found: found.size, real: real.size, right };
}

// --- acting on the groups: the best copy, what to keep, the list of the others ---

/** A record's pixels (width × height), 0 where its size is unknown (a HEIC, a RAW, a photo tagged before sizes were kept). */
export const pixelsOf = (r) => (r.width && r.height ? r.width * r.height : 0);

/**
 * The best copy first, as Immich's duplicate tool suggests which to keep: the largest
 * resolution, then the largest file (less compressed), then the oldest (the original, not a
 * later copy of it), then by path so the order is always the same.
 * @param {{path: string, size: number, lastModified: number, width?: number | null, height?: number | null}[]} records
 */
export function bestFirst(records) {
  return [...records].sort((a, b) => pixelsOf(b) - pixelsOf(a) || b.size - a.size || a.lastModified - b.lastModified || a.path.localeCompare(b.path));
}

/**
 * The groups as the page shows them: each with its photos best first and every photo's
 * likeness (cosine) to the best one, 1 for the best itself.
 * @param {{keys: string[], min: number, max: number}[]} groups from duplicateGroups
 * @param {import('./vectors.js').VectorIndex} index
 * @param {(key: string) => object} recordOf
 * @returns {{photos: {record: object, likeness: number}[], min: number, max: number}[]}
 */
export function rankGroups(groups, index, recordOf) {
  return groups.map(({ keys, min, max }) => {
    const ranked = bestFirst(keys.map(recordOf));
    const best = index.get(ranked[0].key);
    const likeness = (key) => {
      const v = index.get(key);
      let d = 0;
      for (let j = 0; j < v.q.length; j++) d += v.q[j] * best.q[j];
      return Math.min(1, d / (v.norm * best.norm)); // an exact copy's float norms can give 1.0000001
    };
    return { photos: ranked.map((record, i) => ({ record, likeness: i ? likeness(record.key) : 1 })), min, max };
  });
}

/**
 * The photos a person did not keep, group by group, to export (the page deletes nothing).
 * Refuses (throws, naming the group, counted from 1) a group with no photo kept: the list
 * would hold every copy of a photo.
 * @param {{photos: {record: object, likeness: number}[]}[]} ranked from rankGroups
 * @param {Set<string>} keep the kept photos' keys
 */
export function othersList(ranked, keep) {
  const empty = ranked.findIndex((g) => !g.photos.some((p) => keep.has(p.record.key)));
  if (empty >= 0) throw new Error(`group ${empty + 1} has no photo kept: keep at least one of its ${ranked[empty].photos.length} photos`);
  const out = [];
  ranked.forEach((g, i) => {
    const kept = g.photos.filter((p) => keep.has(p.record.key));
    for (const { record: r, likeness } of g.photos) {
      if (keep.has(r.key)) continue;
      out.push({
        group: i + 1,
        path: r.path,
        name: r.name,
        width: r.width ?? null,
        height: r.height ?? null,
        size: r.size,
        lastModified: new Date(r.lastModified).toISOString(),
        likeness: Math.round(likeness * 1e4) / 1e4, // to the group's best copy
        kept: kept.map((p) => p.record.path),
      });
    }
  });
  return out;
}

/** The list as JSON: what is kept and the others per group, the paths of the others at the top. */
export function othersJSON(list, { date = new Date() } = {}) {
  return JSON.stringify({ format: 'effnet-wasm-duplicates', version: 1, exportedAt: date.toISOString(), others: list.map((o) => o.path), photos: list }, null, 1);
}

const CSV_HEAD = ['path', 'file', 'group', 'likeness', 'width', 'height', 'size', 'last_modified', 'kept'];
/** The list as RFC 4180 CSV, one row per photo not kept; `kept` the group's kept paths, ';'-separated. */
export function othersCSV(list) {
  const rows = list.map((o) => [o.path, o.name, o.group, o.likeness, o.width ?? '', o.height ?? '', o.size, o.lastModified, o.kept.join(';')].map(cell).join(','));
  return [CSV_HEAD.join(','), ...rows].join('\r\n') + '\r\n';
}
