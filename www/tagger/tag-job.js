// One job of the run queue: a batch of picked photos through the runner into the library.
// The photos tagged before show at once (the library has them); the rest are classified, the
// run's state, progress and summary told to the run status, unreadable files to the failure list.
import { embeds, modelInfo, partition, run } from './runner.js';
import { fileKey } from './folder.js';
import { fileImageSize } from './image-size.js';

/**
 * @param {{classifier: () => Promise<import('effnet-wasm').ImageClassifier>, library: import('./library.js').Library,
 *          status: import('./run-status.js').RunStatus, failures: import('./failure-list.js').FailureList,
 *          messages: import('./messages.js').Messages, exports: {remember: (entries: object[]) => void}, onEnd: () => void}} o
 *   onEnd: after every run that classified, however it ended (the views settle their order)
 * @returns {(job: {picked: {entries: object[], skipped: number, skippedKinds?: Record<string, number>, unreadable?: {path: string, message: string}[]}, handles: boolean}, signal: AbortSignal) => Promise<void>}
 */
export function tagJob({ classifier, library, status, failures, messages, exports, onEnd }) {
  return async function tag({ picked: { entries, skipped, skippedKinds = {}, unreadable = [] }, handles }, signal) {
    messages.error('');
    for (const u of unreadable) failures.add(u.path, u.message);
    if (!entries.length) return status.noPhotos({ unreadable: unreadable.length, skipped, skippedKinds });
    status.state('running');
    const t0 = performance.now();
    try {
      const clf = await classifier();
      const { known, todo } = await partition(library, entries, modelInfo(clf), { needEmbedding: embeds(clf.model) });
      exports.remember(handles ? entries : []);
      status.started({ photos: entries.length, known: known.length, todo: todo.length });
      const res = await run(clf, todo, withPixelSize(library, todo), {
        signal,
        onProgress: (p) => status.progress(p),
        onStoreError: (e) =>
          messages.warnOnce(`Results could not be saved in IndexedDB (${e.name}: ${e.message}): they are kept in this page only, and those photos will be tagged again on the next visit.`),
      });
      status.finished(res, { todo: todo.length, known: known.length, unreadable: unreadable.length, skippedKinds, seconds: (performance.now() - t0) / 1000 });
    } catch (e) {
      messages.error(`Tagging stopped: ${e.message}`);
      status.state('failed');
    } finally {
      library.refreshTaught(); // the taught tags on the new photos too
      onEnd();
    }
  };
}

/**
 * Where the runner's results go: the library, each tagged photo's record given its size in
 * pixels first (`width`, `height`, read from the file's header; null where unknown), which the
 * duplicate groups rank copies by (duplicates.js bestFirst). The classifier does not give it:
 * a JPEG is decoded at 1/8.
 * @param {import('./library.js').Library} library
 * @param {{file: File, path: string}[]} todo
 */
export function withPixelSize(library, todo) {
  const files = new Map(todo.map((e) => [fileKey(e), e.file]));
  return /** @type {import('./library.js').Library} */ ({
    async add(record) {
      const file = files.get(record.key);
      if (file && !record.error) {
        const size = await fileImageSize(file);
        record.width = size?.width ?? null;
        record.height = size?.height ?? null;
      }
      return library.add(record);
    },
  });
}
