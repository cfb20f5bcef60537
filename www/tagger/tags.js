// Tags for one classified photo, from its categories and the tag table
// (models/labels/imagenet-1k-tags.json, made by models/tool/wordnet_tags.py: the WordNet tags
// and the inferred ones, such as "person", with their own threshold, search words and note).
// Pure: no DOM.
import table from '../../models/labels/imagenet-1k-tags.json' with { type: 'json' };

export const TAG_TABLE = table;

/** A search word -> the tag it means: a row's search words ("people" -> "person", "puppy" ->
 * "dog") and the table's aliases, a class's other names ("football" -> "soccer ball", "flowerpot" -> "pot"). */
const WORDS = new Map([...Object.entries(table.aliases ?? {}), ...table.tags.flatMap((t) => (t.words ?? []).map((w) => [w, t.tag]))]);
/** The table's own tags and search words: such a word is searched exactly, never by prefix
 * ("water" must not find the waterbirds of a collection with no water tagged). */
const KNOWN = new Set([...table.tags.map((t) => t.tag.toLowerCase()), ...WORDS.keys()]);
const INFERRED = new Map(table.tags.filter((t) => t.kind === 'inferred').map((t) => [t.tag, t]));

/** The search a query means: a tag's search word searches that tag. */
export const searchTerm = (q) => WORDS.get(q.trim().toLowerCase()) ?? q;

/** Why a word people search is no tag ("sunset": ImageNet has no class for it), or undefined (the table's `unknown`). */
export const unknownWord = (q) => {
  const forms = wordForms(q);
  for (const f of forms) if (table.unknown?.[f]) return table.unknown[f];
  return undefined;
};

/** An inferred tag's row (its `note` and `about`: how far to trust it), or undefined. */
export const inferredTag = (tag) => INFERRED.get(tag.trim().toLowerCase());

/** A tag is kept when the probability it gets reaches this. */
export const DEFAULT_THRESHOLD = 0.2;

/** "Samoyed, Samoyede" -> "Samoyed": the first name of an ImageNet label. */
export const shortLabel = (label) => label.split(', ')[0];

/**
 * How many of the best categories deriveTags needs, and at least `atLeast`: every class that
 * can reach the threshold. Their probabilities sum to 1, so at most 1/threshold classes do
 * (+1: float rounding can take the sum past 1). -1 (all) for a threshold of 0.
 */
export function categoriesNeeded(threshold = DEFAULT_THRESHOLD, atLeast = 1) {
  const n = Math.floor(1 / threshold) + 1;
  return threshold > 0 && Number.isSafeInteger(n) ? Math.max(n, atLeast) : -1;
}

/**
 * The photo's tags, best first.
 * - fine: the ImageNet label of each category scoring >= threshold (the top-1 always), e.g. "Samoyed";
 * - coarse: each curated WordNet tag whose classes together score >= threshold, e.g. "dog", "animal":
 *   its score is the summed probability of every class that carries it;
 * - inferred: a table row of that kind ("person", from what people wear), scored the same way
 *   against its own threshold.
 * @param {{index: number, label: string, score: number}[]} categories the best ones, at least
 *   `categoriesNeeded(threshold)` of them (or all)
 * @param {ArrayLike<number>} probabilities every class's probability, by index (`withProbabilities`)
 * @returns {{tag: string, score: number, kind: 'label' | 'coarse' | 'inferred'}[]}
 */
export function deriveTags(categories, probabilities, { threshold = DEFAULT_THRESHOLD, tagTable = table } = {}) {
  const sorted = [...categories].sort((a, b) => b.score - a.score);
  const out = [];
  const seen = new Set();
  for (const [i, c] of sorted.entries()) {
    if (i > 0 && c.score < threshold) break;
    const tag = shortLabel(c.label);
    if (seen.has(tag)) continue; // e.g. two classes named "crane"
    seen.add(tag);
    out.push({ tag, score: c.score, kind: 'label' });
  }
  const mass = new Map();
  for (let i = 0; i < probabilities.length; i++) {
    for (const tag of tagTable.classes[i] ?? []) mass.set(tag, (mass.get(tag) ?? 0) + probabilities[i]);
  }
  for (const row of tagTable.tags) {
    const score = Math.min(1, mass.get(row.tag) ?? 0);
    if (score >= (row.threshold ?? threshold) && !seen.has(row.tag)) out.push({ tag: row.tag, score, kind: row.kind ?? 'coarse' });
  }
  return out.sort((a, b) => b.score - a.score);
}

/** A record's tags and the taught tags the library gave it (record.taught, library.js from taught.js). */
const tagsOf = (r) => (r.taught?.length ? [...(r.tags ?? []), ...r.taught] : (r.tags ?? []));

/**
 * The forms a typed word may stand for, itself first: "dogs" -> dog, "berries" -> berry,
 * "boxes" -> box. People type plurals; every tag is singular.
 */
export function wordForms(word) {
  const w = word.trim().toLowerCase();
  const out = [w];
  if (w.length > 3 && w.endsWith('ies')) out.push(`${w.slice(0, -3)}y`);
  if (w.length > 3 && /(ches|shes|xes|sses|zes|oes)$/.test(w)) out.push(w.slice(0, -2));
  if (w.length > 2 && w.endsWith('s') && !w.endsWith('ss')) out.push(w.slice(0, -1));
  return out;
}

/** Edit distance (Levenshtein) of two short strings. */
function distance(a, b) {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** The `n` tags of `tags` nearest to a word that is not one of them, by edit distance (a prefix counts as near), nearest first. */
export function nearestTags(word, tags, n = 3) {
  const w = word.trim().toLowerCase();
  const near = (t) => (t.toLowerCase().startsWith(w) || w.startsWith(t.toLowerCase()) ? 0 : distance(w, t.toLowerCase()));
  return tags
    .map((t) => [t, near(t)])
    .filter(([t, d]) => d <= Math.max(2, Math.floor(w.length / 3)) || t.toLowerCase().split(/[\s-]+/).some((x) => x.startsWith(w)))
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([t]) => t);
}

/** Every tag present in `records` with how many photos have it, most frequent first. */
export function tagCounts(records) {
  const counts = new Map();
  for (const r of records) for (const t of tagsOf(r)) counts.set(t.tag, (counts.get(t.tag) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * Records matching `query` (case-insensitive): a tag equal to it or to its singular ("dogs"),
 * or, when no record has such a tag and the word is none the table knows, a tag with a word
 * starting with it ("sam" finds "Samoyed"). A tag's search word ("people", "man"...) or alias
 * ("football") searches that tag ("person", "soccer ball").
 * Sorted by the matching tag's score (no query: by the best tag's score), best first.
 */
export function filterRecords(records, query, { order = 'desc' } = {}) {
  const typed = searchTerm(query).trim().toLowerCase();
  const ok = records.filter((r) => !r.error);
  // the first form of the word that is a tag here ("dogs" -> "dog"), else the word as typed; a
  // form itself before what it searches for, so a taught tag "Kitty" is not shadowed by "cat"
  const forms = wordForms(query).flatMap((f) => [f, searchTerm(f).toLowerCase()]);
  const q = forms.find((f) => ok.some((r) => tagsOf(r).some((t) => t.tag.toLowerCase() === f))) ?? typed;
  let scored;
  if (!q) {
    scored = ok.map((r) => [r, r.top5?.[0]?.score ?? 0]);
  } else {
    const exact = (t) => t.tag.toLowerCase() === q;
    const prefix = (t) => t.tag.toLowerCase().split(/[\s-]+/).some((w) => w.startsWith(q)) || t.tag.toLowerCase().startsWith(q);
    const anyExact = ok.some((r) => tagsOf(r).some(exact));
    const known = forms.some((f) => KNOWN.has(f)) || !!unknownWord(typed);
    const match = anyExact || known ? exact : prefix;
    scored = ok.flatMap((r) => {
      const hits = tagsOf(r).filter(match);
      return hits.length ? [[r, Math.max(...hits.map((t) => t.score))]] : [];
    });
  }
  scored.sort((a, b) => (order === 'asc' ? a[1] - b[1] : b[1] - a[1]) || a[0].path.localeCompare(b[0].path));
  return scored.map(([r, score]) => ({ record: r, score }));
}
