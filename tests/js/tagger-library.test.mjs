// The tagger's data owner and run queue in Node, without a browser: the library
// (www/tagger/library.js) on the in-memory store (memory-store.js) and on a store that refuses
// writes; its events, lazily rebuilt vector index, exports and taught tags; the run queue
// (run-queue.js): one run at a time, the rest in order, cancel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Library } from '../../www/tagger/library.js';
import { MemoryStore } from '../../www/tagger/memory-store.js';
import { RunQueue } from '../../www/tagger/run-queue.js';
import { quantize } from '../../www/tagger/vectors.js';
import { toFile } from '../../www/tagger/taught.js';

const DIMS = 16;
/** A unit-ish direction: photos of one `look` are alike, of another look orthogonal. */
const vector = (look, jitter = 0) => Float32Array.from({ length: DIMS }, (_, i) => (i % 4 === look ? 1 : 0) + jitter * Math.sin(i + 1));
const rec = (path, { tags = [['dog', 0.9]], look = 0, jitter = 0, size = 10, error } = {}) => ({
  key: `${path}\0${size}`,
  path,
  name: path.split('/').pop(),
  size,
  lastModified: 0,
  model: { id: 'm', sha256: null },
  label: tags[0]?.[0],
  top5: tags.length ? [{ index: 1, label: tags[0][0], score: tags[0][1] }] : undefined,
  tags: tags.map(([tag, score]) => ({ tag, score, kind: 'coarse' })),
  ...(error ? { error } : { embedding: quantize(vector(look, jitter)) }),
});
/** Every event of these types the library sends, as [type, detail]. */
function events(library, types = ['add', 'reset', 'taught']) {
  const seen = [];
  for (const type of types) library.addEventListener(type, (e) => seen.push([type, e.record?.path ?? e.cause ?? null, ...(e.removed?.length ? [e.removed] : [])]));
  return seen;
}

test('add: the record is kept and stored, a changed photo replaces its older result, the views are told', async () => {
  const store = new MemoryStore();
  const library = new Library(store);
  const seen = events(library);
  const old = rec('a/dog.jpg');
  await library.add(old);
  await library.add(rec('a/cat.jpg', { tags: [['cat', 0.8]] }));
  const changed = rec('a/dog.jpg', { size: 11 });
  await library.add(changed);
  assert.deepEqual(seen, [['add', 'a/dog.jpg'], ['add', 'a/cat.jpg'], ['add', 'a/dog.jpg', [old.key]]]);
  assert.deepEqual(library.all().map((r) => r.key), ['a/cat.jpg\u000010', changed.key]);
  assert.equal(library.get(old.key), undefined);
  assert.deepEqual((await store.all()).map((r) => r.key).sort(), library.all().map((r) => r.key).sort());
  assert.deepEqual(await library.stored([changed.key, old.key]), [changed, undefined]);
});

test('add: a store refusing the write rejects with its error; the record stays in the library for the visit', async () => {
  const store = new MemoryStore();
  const full = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  store.put = async () => {
    throw full;
  };
  const library = new Library(store);
  await assert.rejects(library.add(rec('a/dog.jpg')), full);
  assert.deepEqual(library.all().map((r) => r.path), ['a/dog.jpg']);
  assert.deepEqual(await store.all(), []);
});

test('load and clear: the records read from the store, then forgotten there too', async () => {
  const store = new MemoryStore();
  await store.put(rec('a/dog.jpg'));
  await store.put(rec('a/bad.jpg', { tags: [], error: { code: 'BAD_IMAGE', message: 'not an image' } }));
  const library = new Library(Promise.resolve(store)); // as the page opens it: a promise of the store
  const seen = events(library);
  assert.equal((await library.load()).length, 2);
  assert.deepEqual(library.tagged().map((r) => r.path), ['a/dog.jpg']);
  await library.clear();
  assert.deepEqual(seen, [['reset', 'load'], ['reset', 'clear']]);
  assert.deepEqual([library.all(), await store.all()], [[], []]);
});

test('vectors: built when first asked after a change, from the tagged photos only', async () => {
  const library = new Library(new MemoryStore());
  await library.add(rec('a/one.jpg'));
  await library.add(rec('a/bad.jpg', { tags: [], error: { code: 'BAD_IMAGE', message: 'x' } }));
  const first = library.vectors();
  assert.equal(first.size, 1);
  assert.equal(library.vectors(), first, 'no change: the same index');
  await library.add(rec('a/two.jpg', { look: 1 }));
  assert.notEqual(library.vectors(), first);
  assert.deepEqual([...library.vectors().keys], [rec('a/one.jpg').key, rec('a/two.jpg').key]);
});

test('search and export: export asks the library; a searched tag gives the photos having it, by path, no tag every record', async () => {
  const library = new Library(new MemoryStore());
  await library.add(rec('b/dog2.jpg', { tags: [['dog', 0.95]] }));
  await library.add(rec('a/dog1.jpg', { tags: [['dog', 0.6]] }));
  await library.add(rec('c/car.jpg', { tags: [['car', 0.8]] }));
  await library.add(rec('d/bad.jpg', { tags: [], error: { code: 'BAD_IMAGE', message: 'x' } }));
  assert.deepEqual(library.search('dog').map((h) => h.record.path), ['b/dog2.jpg', 'a/dog1.jpg'], 'best first');
  assert.deepEqual(library.forExport('dog').map((r) => r.path), ['a/dog1.jpg', 'b/dog2.jpg']);
  assert.deepEqual(library.forExport('').map((r) => r.path), ['a/dog1.jpg', 'b/dog2.jpg', 'c/car.jpg', 'd/bad.jpg']);
  assert.deepEqual(library.tagCounts(), [['dog', 2], ['car', 1]]);
});

test('taught tags: taught, applied to every record, confirmed and rejected, stored, forgotten; the views are told', async () => {
  const store = new MemoryStore();
  const library = new Library(store);
  for (let i = 0; i < 3; i++) await library.add(rec(`rex/${i}.jpg`, { look: 0, jitter: 0.1 * i }));
  await library.add(rec('other/cat.jpg', { look: 2 }));
  await library.add(rec('old/no-vector.jpg', { look: 0 }));
  const noVector = library.all().at(-1);
  delete noVector.embedding; // tagged before embeddings existed
  const seen = events(library, ['taught']);
  const { tag, skipped } = await library.teach('Rex', [rec('rex/0.jpg').key, noVector.key]);
  assert.deepEqual([tag.positives.length, skipped.map((r) => r.path)], [1, ['old/no-vector.jpg']]);
  const rex = (path) => library.all().find((r) => r.path === path).taught;
  assert.deepEqual(rex('rex/0.jpg').map((t) => [t.tag, t.confirmed]), [['Rex', true]]);
  assert.deepEqual(rex('rex/2.jpg').map((t) => [t.tag, t.confirmed]), [['Rex', false]], 'a suggestion');
  assert.deepEqual(rex('other/cat.jpg'), []);
  assert.deepEqual(library.tagCounts().find(([t]) => t === 'Rex'), ['Rex', 3]);
  assert.deepEqual(library.search('rex').map((h) => h.record.path).sort(), ['rex/0.jpg', 'rex/1.jpg', 'rex/2.jpg']);

  await library.judge('Rex', rec('rex/2.jpg').key, 'negative');
  assert.deepEqual(rex('rex/2.jpg'), [], 'rejected');
  assert.equal(library.applied('Rex').find((a) => a.key === rec('rex/2.jpg').key).kind, 'negative');
  assert.deepEqual((await store.allTaught()).map((t) => [t.name, t.positives.length, t.negatives.length]), [['Rex', 1, 1]]);

  // another visit: the stored tag applied to the stored records
  const again = new Library(store);
  await again.load();
  await again.loadTaught();
  assert.deepEqual(again.all().find((r) => r.path === 'rex/0.jpg').taught.map((t) => [t.tag, t.confirmed]), [['Rex', true]]);

  await library.forget('Rex');
  assert.deepEqual([rex('rex/0.jpg'), await store.allTaught(), library.taughtTags()], [[], [], []]);
  assert.equal(seen.length, 3, 'teach, judge, forget');
});

test('taught tags: a file imported is checked against the collection, kept and applied; new results get the tags with refreshTaught', async () => {
  const library = new Library(new MemoryStore());
  await library.add(rec('rex/0.jpg'));
  const file = toFile([{ name: 'Rex', threshold: 0.5, positives: [{ key: null, ...quantize(vector(0)) }], negatives: [] }], { id: 'm' });
  await assert.rejects(library.importTaught(file, { id: 'other' }), { code: 'BAD_TAUGHT_TAGS' });
  assert.deepEqual((await library.importTaught(file, { id: 'm' })).map((t) => t.name), ['Rex']);
  assert.deepEqual(library.get(rec('rex/0.jpg').key).taught.map((t) => [t.tag, t.confirmed]), [['Rex', false]]);
  await library.add(rec('rex/1.jpg', { jitter: 0.1 }));
  assert.equal(library.get(rec('rex/1.jpg').key).taught, undefined, 'not per result: once a run ends');
  library.refreshTaught();
  assert.deepEqual(library.get(rec('rex/1.jpg').key).taught.map((t) => t.tag), ['Rex']);
});

test('run queue: one run at a time, the photos picked meanwhile after it in order; cancel stops it and drops the rest', async () => {
  const log = [];
  const waiting = [];
  let release;
  const queue = new RunQueue(
    async (job, signal) => {
      log.push(`start ${job}`);
      await new Promise((ok) => {
        release = ok;
        signal.addEventListener('abort', ok);
      });
      log.push(`${signal.aborted ? 'aborted' : 'end'} ${job}`);
    },
    { onQueued: (jobs) => waiting.push(jobs.join(',')) },
  );
  const first = queue.add('a');
  assert.equal(queue.running, true);
  queue.add('b');
  queue.add('c');
  assert.deepEqual(waiting, ['b', 'b,c']);
  release();
  await new Promise((ok) => setTimeout(ok, 0));
  assert.deepEqual(log, ['start a', 'end a', 'start b']);
  assert.deepEqual(waiting.at(-1), 'c');
  release();
  await new Promise((ok) => setTimeout(ok, 0));
  assert.equal(queue.running, true, 'c runs');
  release();
  await first; // the first add resolves once what was queued behind it ran too
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  assert.equal(queue.running, false);

  const second = queue.add('d');
  queue.add('e');
  queue.cancel();
  await second;
  assert.deepEqual(log.slice(-2), ['start d', 'aborted d']);
  assert.equal(waiting.at(-1), '', 'nothing waits after a cancel');
  assert.equal(queue.running, false);
});
