// Near-duplicate groups: every pair of photos whose embeddings' cosine reaches a threshold is
// joined (union-find), so a re-encode, a resize and a crop of the same photo end in one group
// even when the crop is closer to the original than to the resize. Pure: no DOM.
//
// Cost: all pairs, n²/2 dot products (a VectorIndex.dots pass per photo over the rows after
// it): about as long as n/2 Similar queries; `npm run bench:similar` prints it.

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
