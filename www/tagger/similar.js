// What "Similar photos" shows: only photos alike enough to mean something, in two bands, the
// same picture (a copy: duplicates.js DUPLICATE_THRESHOLD) and likely the same subject, never
// a fixed 12 whatever their likeness. Pure: no DOM.
import { DUPLICATE_THRESHOLD } from './duplicates.js';

/**
 * The cosine of two photos' embeddings from which they are likely of the same subject:
 * measured on the labelled set (tests/fixtures/subjects/, `node bench/likeness.mjs`), 16 of the
 * 17 pairs of different photos at 0.65 or more are of one subject (precision 0.94; at 0.6 only
 * 0.71, at 0.5 0.62), though only 5 % of the same-subject pairs get there: two different photos
 * of a subject are seldom this close in Lite0's features. Unrelated photos: median 0.18, 99th
 * percentile 0.41. See docs/tagger.md#similar-photos.
 */
export const SIMILAR_THRESHOLD = 0.65;

/**
 * @param {import('./vectors.js').VectorIndex} index
 * @param {string} key the photo compared
 * @param {{k?: number}} [o] k: at most this many shown
 * @returns {{copies: {key: string, score: number}[], alike: {key: string, score: number}[], closest: {key: string, score: number} | null}}
 *   copies: at DUPLICATE_THRESHOLD or more; alike: from SIMILAR_THRESHOLD to it; closest: the
 *   best of the rest, to say how far the nearest photo is when nothing is shown
 */
export function similarPhotos(index, key, { k = 12 } = {}) {
  const query = index.get(key);
  if (!query) return { copies: [], alike: [], closest: null };
  const hits = index.search(query, { k: k + 1, exclude: key });
  const shown = hits.filter((h) => h.score >= SIMILAR_THRESHOLD).slice(0, k);
  return {
    copies: shown.filter((h) => h.score >= DUPLICATE_THRESHOLD),
    alike: shown.filter((h) => h.score < DUPLICATE_THRESHOLD),
    closest: hits[0] ?? null,
  };
}
