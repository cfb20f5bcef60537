// Taught tags: a tag the user names and teaches from a few of their photos ("Rex" from 5
// photos of their dog), applied to the whole collection. Confirming a suggestion makes it one
// more positive example, rejecting it a negative one. Pure: no DOM; the tags are stored by
// store.js and exported as JSON with vectors, tag scores and names only (no pixels, no file names).
//
// Scoring (taught-space.js): each photo is its embedding minus the collection's mean direction,
// beside its coarse tags' scores; a photo's score is its cosine there with the examples'
// centroid c+. It is suggested when the score reaches the tag's threshold and, once there are
// negative examples, when it is closer to c+ than to their centroid c-: a rejected look-alike
// pulls c- towards itself and its neighbours drop out. Measured on tests/fixtures/subjects/
// (bench/taught.mjs, docs/tagger.md#teach-a-tag).
import { TaggerError } from './errors.js';
import { collectionSpace, scores, tagScores } from './taught-space.js';

export const FORMAT = 'effnet-wasm-taught-tags';
export const VERSION = 2; // 1: no tag scores per example, a threshold on the old scale (read, migrated)
export const MAX_NAME = 80;

/**
 * The score (taught-space.js) a photo needs to be suggested: on the labelled set's development
 * subjects, 0.40 gave precision 0.75 and recall 0.59 from 3 examples before any review, and
 * about 1.00 / 0.90 after one review of what the suggestions list shows (bench/taught.mjs).
 * See docs/tagger.md#teach-a-tag.
 */
export const TAUGHT_THRESHOLD = 0.4;

const bad = (message) => new TaggerError('BAD_TAUGHT_TAGS', message);

/** A tag name as typed, trimmed; BAD_TAG_NAME if empty or too long. */
export function tagName(name) {
  const n = String(name ?? '').trim().replace(/\s+/g, ' ');
  if (!n) throw new TaggerError('BAD_TAG_NAME', 'a taught tag needs a name');
  if (n.length > MAX_NAME) throw new TaggerError('BAD_TAG_NAME', `a tag name has at most ${MAX_NAME} characters (this one ${n.length})`);
  return n;
}

/**
 * A new taught tag from example records (each with `key` and `embedding` {q, norm}).
 * @returns {{name: string, threshold: number, positives: {key: string|null, q: Int8Array, norm: number}[], negatives: []}}
 */
export function teach(name, examples, { threshold = TAUGHT_THRESHOLD } = {}) {
  const withVec = examples.filter((r) => r.embedding?.q?.length);
  if (!withVec.length) throw new TaggerError('TOO_FEW_EXAMPLES', `“${tagName(name)}” needs at least one photo with an embedding (photos tagged before similar search existed have none: tag them again)`);
  return { name: tagName(name), threshold, positives: withVec.map(example), negatives: [] };
}

const example = (r) => ({ key: r.key ?? null, q: r.embedding.q, norm: r.embedding.norm, tags: tagScores(r.tags) });

/** The key's status in the tag: 'positive', 'negative' or null. */
export function exampleKind(tag, key) {
  if (tag.positives.some((e) => e.key === key)) return 'positive';
  if (tag.negatives.some((e) => e.key === key)) return 'negative';
  return null;
}

/**
 * The tag applied to every photo of the index.
 * @param {import('./vectors.js').VectorIndex} index
 * @param {{tagsOf?: (key: string) => object[] | undefined, space?: object}} [o] tagsOf: a photo's
 *   tags (record.tags); space: collectionSpace(index, ...) when several tags are applied at once
 * @returns {{key: string, score: number, kind: 'positive' | 'negative' | null, suggested: boolean}[]}
 *   every photo with a score, best first; `suggested`: above the threshold and not rejected
 */
export function applyTag(tag, index, { tagsOf = () => undefined, space } = {}) {
  if (!index.size || tag.positives[0]?.q.length !== index.dims) return [];
  space ??= taughtSpace(index, tagsOf);
  const sp = scores(space, tag.positives);
  const sn = scores(space, tag.negatives);
  const out = [];
  for (let r = 0; r < index.size; r++) {
    if (!index.norms[r]) continue;
    const key = index.keys[r];
    const score = sp[r];
    const nearer = !sn || score > sn[r];
    const kind = exampleKind(tag, key);
    out.push({ key, score, kind, suggested: kind === 'positive' || (kind !== 'negative' && score >= tag.threshold && nearer) });
  }
  return out.sort((a, b) => b.score - a.score || a.key.localeCompare(b.key));
}

/** The collection's side of the scoring, once for every tag applied to the same index. */
export const taughtSpace = (index, tagsOf = () => undefined) => collectionSpace(index, (key) => tagScores(tagsOf(key)));

/** Confirming a suggestion (positive) or rejecting it (negative): a new tag, the record moved to that side. */
export function judge(tag, record, verdict) {
  if (verdict !== 'positive' && verdict !== 'negative') throw new TypeError(`verdict must be 'positive' or 'negative', got ${verdict}`);
  if (!record.embedding?.q?.length) throw new TaggerError('TOO_FEW_EXAMPLES', `${record.path ?? record.key} has no embedding`);
  const keep = (list) => list.filter((e) => e.key !== record.key);
  const positives = keep(tag.positives);
  const negatives = keep(tag.negatives);
  (verdict === 'positive' ? positives : negatives).push(example(record));
  if (!positives.length) throw new TaggerError('TOO_FEW_EXAMPLES', `“${tag.name}” would have no positive example left`);
  return { ...tag, positives, negatives };
}

// --- the JSON file ---

const toB64 = (q) => {
  const b = new Uint8Array(q.buffer, q.byteOffset, q.byteLength);
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
};
const fromB64 = (s, where, dims) => {
  let bin;
  try {
    bin = atob(s);
  } catch {
    throw bad(`${where}.q is not base64`);
  }
  if (bin.length !== dims) throw bad(`${where}.q holds ${bin.length} values, dims says ${dims}`);
  const q = new Int8Array(dims);
  for (let i = 0; i < dims; i++) q[i] = (bin.charCodeAt(i) << 24) >> 24;
  return q;
};

/**
 * The taught tags as a small JSON file: names, thresholds and int8 example vectors (base64),
 * the model they come from. No pixels and no photo names.
 */
export function toFile(tags, model) {
  const dims = tags[0]?.positives[0]?.q.length ?? 0;
  const ex = (list) => list.map((e) => ({ q: toB64(e.q), norm: Math.round(e.norm * 1e4) / 1e4, tags: e.tags ?? {} }));
  return JSON.stringify(
    {
      format: FORMAT,
      version: VERSION,
      model: { id: model?.id ?? null, sha256: model?.sha256 ?? null },
      dims,
      tags: tags.map((t) => ({ name: t.name, threshold: t.threshold, positives: ex(t.positives), negatives: ex(t.negatives) })),
    },
    null,
    1,
  );
}

/**
 * Reads a taught-tags file. BAD_TAUGHT_TAGS naming the field when it is not one; `model`
 * (the page's) must match the file's model id and `dims` the collection's.
 * @returns {{name, threshold, positives, negatives}[]} examples have key null
 */
export function fromFile(text, { model, dims } = {}) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw bad(`not JSON: ${e.message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw bad('not a JSON object');
  if (doc.format !== FORMAT) throw bad(`format is ${JSON.stringify(doc.format)}, expected "${FORMAT}"`);
  if (doc.version !== VERSION && doc.version !== 1) throw bad(`version ${JSON.stringify(doc.version)} is not supported (this page reads versions 1 and ${VERSION})`);
  if (model?.id && doc.model?.id !== model.id) throw bad(`the tags were taught with model ${JSON.stringify(doc.model?.id)}, this page uses ${model.id}: their vectors cannot be compared`);
  if (!Number.isInteger(doc.dims) || doc.dims <= 0) throw bad(`dims must be a positive integer, got ${JSON.stringify(doc.dims)}`);
  if (dims && doc.dims !== dims) throw bad(`dims is ${doc.dims}, this collection's embeddings have ${dims}`);
  if (!Array.isArray(doc.tags)) throw bad('tags must be an array');
  const names = new Set();
  return doc.tags.map((t, i) => {
    const where = `tags[${i}]`;
    if (!t || typeof t !== 'object') throw bad(`${where} is not an object`);
    let name;
    try {
      name = tagName(t.name);
    } catch (e) {
      throw bad(`${where}.name: ${e.message}`);
    }
    if (names.has(name)) throw bad(`${where}.name “${name}” appears twice`);
    names.add(name);
    if (typeof t.threshold !== 'number' || !(t.threshold >= -1 && t.threshold <= 1)) throw bad(`${where}.threshold must be a number in [-1, 1], got ${JSON.stringify(t.threshold)}`);
    const list = (field) => {
      if (!Array.isArray(t[field])) throw bad(`${where}.${field} must be an array`);
      return t[field].map((e, j) => {
        const w = `${where}.${field}[${j}]`;
        if (!e || typeof e.q !== 'string') throw bad(`${w}.q must be a base64 string`);
        const q = fromB64(e.q, w, doc.dims);
        // the norm is recomputed: a file's own could be wrong
        let n = 0;
        for (let k = 0; k < q.length; k++) n += q[k] * q[k];
        if (!n) throw bad(`${w} is a zero vector`);
        return { key: null, q, norm: Math.sqrt(n), tags: exampleTags(e.tags, w) };
      });
    };
    const positives = list('positives');
    if (!positives.length) throw bad(`${where}.positives is empty: a tag needs at least one example`);
    // version 1's threshold was a cosine of raw embeddings, another scale: the default replaces it
    return { name, threshold: doc.version === 1 ? TAUGHT_THRESHOLD : t.threshold, positives, negatives: list('negatives') };
  });
}

/** An example's tag scores from a file: version 1 has none; names to scores in [0, 1]. */
function exampleTags(tags, where) {
  if (tags === undefined) return {};
  if (!tags || typeof tags !== 'object' || Array.isArray(tags)) throw bad(`${where}.tags must be an object of tag scores`);
  for (const [k, v] of Object.entries(tags)) if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw bad(`${where}.tags.${k} must be a score in [0, 1], got ${JSON.stringify(v)}`);
  return { ...tags };
}
