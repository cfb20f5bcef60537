// One tagging run: classify every entry that has no stored result, 2 at a time per engine
// (www/tagger/engines.js; each engine queues them for its worker, so the next photo's bytes
// are on their way while one is classified), hand each result to the library as it comes
// (library.js: it shows and stores it), report progress. Cancel stops starting new photos; a
// failed photo is kept with its reason and the run goes on; so does a result the store would
// not take (it stays in the page only).
import { DEFAULT_THRESHOLD, TAG_TABLE, categoriesNeeded, deriveTags, shortLabel } from './tags.js';
import { fileKey } from './folder.js';
import { makeThumb, WIDTH as THUMB_WIDTH } from './thumbs.js';
import { decodeParam } from './params.js';
import { quantize } from './vectors.js';

/** Whether the model gives embeddings (its manifest entry's output.embedding): Similar, Duplicates and taught tags need them. */
export const embeds = (model) => !!model.output?.embedding;

/** A rate and time left from the last `window` completions (seconds), as a progress bar shows. */
export class Rate {
  constructor(window = 20) {
    this.window = window;
    this.times = [];
  }
  tick(t = performance.now()) {
    this.times.push(t);
    if (this.times.length > this.window + 1) this.times.shift();
  }
  /** images per second, or null before two completions */
  get perSecond() {
    const n = this.times.length - 1;
    return n > 0 ? (n * 1000) / (this.times.at(-1) - this.times[0] || 1) : null;
  }
  secondsLeft(remaining) {
    const r = this.perSecond;
    return r ? remaining / r : null;
  }
}

export const modelInfo = (clf) => ({ id: clf.model.id, sha256: clf.model.sha256 ?? null });

/** A stored failure worth retrying: only an undecodable file is sure to fail again (and its key
 * changes with its size and modification time when it is replaced). */
export const retryable = (r) => !!r.error && r.error.code !== 'BAD_IMAGE';

/** Splits entries into already-tagged records (same file, same model) and the ones to classify.
 * With `needEmbedding`, a record stored without an embedding (tagged before there were any) is classified again.
 * @param {import('./library.js').Library} library */
export async function partition(library, entries, model, { needEmbedding = false } = {}) {
  const found = await library.stored(entries.map(fileKey));
  const known = [];
  const todo = [];
  for (const [i, e] of entries.entries()) {
    const r = found[i];
    const stale = needEmbedding && r && !r.error && !r.embedding;
    if (r && r.model?.id === model.id && r.model?.sha256 === model.sha256 && !retryable(r) && !stale) known.push(r);
    else todo.push(e);
  }
  return { known, todo };
}

/**
 * @param {import('effnet-wasm').ImageClassifier} clf
 * @param {{file: File, path: string}[]} todo
 * @param {import('./library.js').Library} library where the results go
 * @param {{signal?: AbortSignal, concurrency?: number, threshold?: number,
 *          onProgress?: (p: {done: number, total: number, failed: number, perSecond: number|null, secondsLeft: number|null}) => void,
 *          onStoreError?: (e: Error) => void}} o  onStoreError is called once, for the first result that could not be stored
 */
export async function run(clf, todo, library, { signal, concurrency = 2 * (clf.engines ?? 1), threshold = DEFAULT_THRESHOLD, onProgress, onStoreError } = {}) {
  const model = modelInfo(clf);
  // the top 5 a record keeps and the fine labels; the coarse tags sum the probability vector.
  // JPEGs decode at the size the model needs (decode: 'fast': a 12-MP photo at 1/8), and the
  // thumbnail comes from the pixels the worker decoded, not from a second decode.
  // and the embedding, for Similar, Duplicates and taught tags (kept quantised: vectors.js)
  const options = { maxResults: categoriesNeeded(threshold, 5), withProbabilities: true, decode: decodeParam, thumbnailWidth: THUMB_WIDTH };
  if (embeds(clf.model)) options.withEmbedding = true;
  // the table's tags (WordNet's, and the inferred ones such as "person") are per ImageNet-1k class: another label set gets its fine labels only
  const imagenet = clf.model.output?.labels === TAG_TABLE.labels;
  const tagTable = imagenet ? TAG_TABLE : { tags: [], classes: [] };
  const rate = new Rate();
  let next = 0;
  let done = 0;
  let failed = 0;
  let storeError = null;
  let fatal = null;
  const stop = new AbortController(); // a fatal error (DISPOSED) stops every lane, not just its own
  const report = () =>
    onProgress?.({ done, total: todo.length, failed, perSecond: rate.perSecond, secondsLeft: rate.secondsLeft(todo.length - done) });
  report();

  async function one(entry) {
    const { file, path } = entry;
    const base = { key: fileKey(entry), path, name: file.name, size: file.size, lastModified: file.lastModified, model };
    let record;
    try {
      const r = await clf.classify(file, options);
      const thumb = r.thumbnail ?? (await makeThumb(file));
      const top5 = r.categories.slice(0, 5).map((c) => ({ index: c.index, label: c.label, score: c.score }));
      const tags = deriveTags(r.categories, r.probabilities, { threshold, tagTable });
      const embedding = r.embedding?.floatEmbedding ? quantize(r.embedding.floatEmbedding) : undefined;
      record = { ...base, top5, label: shortLabel(top5[0].label), tags, thumb, timing: r.timing, taggedAt: Date.now(), ...(embedding && { embedding }) };
    } catch (e) {
      if (e.code === 'DISPOSED') throw e;
      failed++;
      record = { ...base, error: { code: e.code ?? 'BAD_IMAGE', message: withoutName(e.message, file.name) }, tags: [], taggedAt: Date.now() };
    }
    try {
      await library.add(record);
    } catch (e) {
      // quota, private mode, a closed database: the result still counts, in this page only
      if (!storeError) onStoreError?.((storeError = e));
    }
    done++;
    rate.tick();
    report();
  }

  async function lane() {
    try {
      while (next < todo.length && !signal?.aborted && !stop.signal.aborted) await one(todo[next++]);
    } catch (e) {
      fatal ??= e;
      stop.abort();
    }
  }
  // every lane has ended before this returns or throws: no photo is classified after the run
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, todo.length)) }, lane));
  if (fatal) throw fatal;
  return { done, failed, cancelled: !!signal?.aborted && done < todo.length, stored: !storeError };
}

/** The reason alone: the failure list puts the photo's path before it, and the library's
 * message starts with the file's name ('IMG_0001.heic: ...'), which would say it twice. */
export const withoutName = (message, name) => (message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message);
