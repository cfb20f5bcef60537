// The model session both hosts share (www/src/shared/model-session.js), driven by a fake wasm
// module: integrity before anything is compiled, progress, what reaches the wasm, timing,
// the probability vector, errors as codes, and a freed session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { EffnetError, ErrorCode } from '../../www/src/shared/errors.js';
import { ModelSession } from '../../www/src/shared/model-session.js';
import { classifyOptions, embedOptions } from '../../www/src/shared/classify-options.js';

const BYTES = new TextEncoder().encode('not really an onnx file');
const ENTRY = {
  id: 'fake',
  name: 'A fake model',
  file: 'fake.onnx',
  sha256: createHash('sha256').update(BYTES).digest('hex'),
  bytes: BYTES.byteLength,
  input: { name: 'x', shape: [1, 3, 2, 2], layout: 'NCHW' },
  preprocess: { size: 2, resize: 'shortSideThenCenterCrop', cropPct: 1 },
  output: { name: 'y', kind: 'logits', labels: 'imagenet-1k' },
  license: 'none',
};

/** Busy-waits `ms`: the session times the wasm's calls with performance.now. */
const spin = (ms) => {
  for (const t = performance.now(); performance.now() - t < ms; );
};

/** A wasm module whose WasmClassifier logs every call; `fail` makes a method throw. */
function fakeWasm(fail = {}) {
  const log = [];
  class WasmClassifier {
    constructor(entryJson, modelBytes) {
      log.push(['new', JSON.parse(entryJson), modelBytes]);
      if (fail.new) throw fail.new;
    }
    checkFilter(json) {
      log.push(['checkFilter', JSON.parse(json)]);
      if (fail.checkFilter) throw fail.checkFilter;
    }
    preprocess(data, width, height) {
      log.push(['preprocess', data, width, height]);
      spin(5);
    }
    infer() {
      log.push(['infer']);
      if (fail.infer) throw fail.infer;
      spin(10);
    }
    categories(json) {
      log.push(['categories', JSON.parse(json)]);
      return JSON.stringify([{ index: 1, label: 'goldfish', score: 0.75 }]);
    }
    probabilities() {
      return new Float32Array([0.25, 0.75]);
    }
    embedding(l2Normalize, quantize) {
      log.push(['embedding', l2Normalize, quantize]);
      return quantize ? new Int8Array([127, 0]) : new Float32Array([l2Normalize ? 1 : 3, 0]);
    }
    profile() {
      return JSON.stringify([{ op: 'Conv', nodes: 3, ms: 1.5 }]);
    }
    free() {
      log.push(['free']);
    }
  }
  return { log, WasmClassifier };
}

const wasmError = (name, message) => Object.assign(new Error(message), { name });
const hasCode = (code, message = /./) => (e) => e instanceof EffnetError && e.code === code && message.test(e.message);

test('open: the size, then the sha256, are checked before anything is compiled', async () => {
  const wasm = fakeWasm();
  const short = { ...ENTRY, bytes: BYTES.byteLength + 1, sha256: '0'.repeat(64) };
  await assert.rejects(ModelSession.open(wasm, short, BYTES, { source: 'https://x/fake.onnx' }),
    hasCode(ErrorCode.MODEL_INTEGRITY, /^https:\/\/x\/fake\.onnx: 23 bytes, the manifest says 24$/));
  await assert.rejects(ModelSession.open(wasm, { ...ENTRY, sha256: '0'.repeat(64) }, BYTES),
    hasCode(ErrorCode.MODEL_INTEGRITY, new RegExp(`^fake: sha256 ${ENTRY.sha256} does not match the manifest's 0{64}$`)));
  assert.deepEqual(wasm.log, [], 'nothing reached the wasm');
});

test('open: compile and ready progress around the wasm constructor, which gets the fields Rust reads and the bytes', async () => {
  const wasm = fakeWasm();
  const events = [];
  const session = await ModelSession.open(wasm, ENTRY, BYTES.buffer, {
    onProgress: (e) => events.push([e.phase, e.loadedBytes, e.totalBytes, wasm.log.length]),
  });
  const n = BYTES.byteLength;
  assert.deepEqual(events, [['compile', n, n, 0], ['ready', n, n, 1]], 'compile before the constructor, ready after');
  const [[what, entry, bytes]] = wasm.log;
  assert.equal(what, 'new');
  const { name, license, ...forRust } = ENTRY;
  assert.deepEqual(entry, forRust);
  assert.ok(bytes instanceof Uint8Array && Buffer.from(bytes).equals(Buffer.from(BYTES)));
  session.free();
});

test('open: an entry without size or sha256 (the caller\'s own) is not checked; wasm errors keep their code', async () => {
  const { sha256, bytes, ...own } = ENTRY;
  (await ModelSession.open(fakeWasm(), own, new Uint8Array(3))).free();
  const broken = fakeWasm({ new: wasmError('BAD_MANIFEST', "model 'fake': input.name is missing") });
  await assert.rejects(ModelSession.open(broken, ENTRY, BYTES), hasCode(ErrorCode.BAD_MANIFEST, /input\.name/));
});

test('open: a progress callback that throws after the compile frees what was compiled', async () => {
  const wasm = fakeWasm();
  const onProgress = (e) => {
    if (e.phase === 'ready') throw new Error('page gone');
  };
  await assert.rejects(ModelSession.open(wasm, ENTRY, BYTES, { onProgress }), /page gone/);
  assert.deepEqual(wasm.log.map(([what]) => what), ['new', 'free']);
});

test('classify: the filter and the pixels reach the wasm; the host\'s decode time is in the total', async () => {
  const wasm = fakeWasm();
  const session = await ModelSession.open(wasm, ENTRY, BYTES);
  const px = { data: new Uint8ClampedArray(16), width: 2, height: 2 };
  const options = classifyOptions({ maxResults: -1, categoryDenylist: ['tench'] });
  session.checkFilter(options.filter);
  const r = session.classify(px, options, 7);
  assert.deepEqual(r.categories, [{ index: 1, label: 'goldfish', score: 0.75 }]);
  assert.equal('probabilities' in r, false, 'only when asked for');
  assert.deepEqual(wasm.log.slice(1).map(([what]) => what), ['checkFilter', 'preprocess', 'infer', 'categories']);
  const want = { maxResults: null, scoreThreshold: 0, categoryAllowlist: [], categoryDenylist: ['tench'] };
  assert.deepEqual(wasm.log[1][1], want);
  assert.deepEqual(wasm.log[4][1], want);
  assert.deepEqual(wasm.log[2].slice(1), [px.data, 2, 2]);
  const { decodeMs, preprocessMs, inferenceMs, totalMs } = r.timing;
  assert.deepEqual(Object.keys(r.timing), ['decodeMs', 'preprocessMs', 'inferenceMs', 'totalMs']);
  assert.equal(decodeMs, 7);
  // lower bounds only: a loaded machine stretches every step (the steps' order is the log's)
  assert.ok(preprocessMs >= 5, `preprocess ${preprocessMs}`);
  assert.ok(inferenceMs >= 10, `inference ${inferenceMs}`);
  assert.ok(totalMs >= decodeMs + preprocessMs + inferenceMs, `total ${totalMs}`);
  session.free();
});

test('classify withProbabilities: the wasm\'s Float32Array', async () => {
  const session = await ModelSession.open(fakeWasm(), ENTRY, BYTES);
  const r = session.classify({ data: new Uint8Array(16), width: 2, height: 2 }, classifyOptions({ withProbabilities: true }));
  assert.ok(r.probabilities instanceof Float32Array);
  assert.deepEqual([...r.probabilities], [0.25, 0.75]);
  assert.equal(r.timing.decodeMs, 0, 'no decode: pixels given');
  session.free();
});

test("embed and withEmbedding: one inference; MediaPipe's one-head Embedding with the entry's output name", async () => {
  const wasm = fakeWasm();
  const entry = { ...ENTRY, output: { ...ENTRY.output, embedding: { name: 'pooled', size: 2 } } };
  const session = await ModelSession.open(wasm, entry, BYTES);
  const px = { data: new Uint8Array(16), width: 2, height: 2 };
  const step = () => wasm.log.splice(0).map(([what, ...args]) => (what === 'embedding' ? [what, ...args] : [what]));
  step();
  const raw = session.embed(px, embedOptions({ l2Normalize: false }), 4);
  assert.deepEqual(step(), [['preprocess'], ['infer'], ['embedding', false, false]]);
  assert.deepEqual(Object.keys(raw), ['embedding', 'timing']);
  assert.deepEqual(raw.embedding, { floatEmbedding: new Float32Array([3, 0]), headIndex: 0, headName: 'pooled' });
  assert.equal(raw.timing.decodeMs, 4);
  const q = session.embed(px, embedOptions({ quantize: true }));
  assert.deepEqual(step(), [['preprocess'], ['infer'], ['embedding', true, true]]);
  assert.deepEqual(q.embedding, { quantizedEmbedding: new Int8Array([127, 0]), headIndex: 0, headName: 'pooled' });
  const both = session.classify(px, classifyOptions({ withEmbedding: true }));
  // the categories and the embedding of one inference, always float and normalised
  assert.deepEqual(step(), [['preprocess'], ['infer'], ['categories'], ['embedding', true, false]]);
  assert.deepEqual(both.embedding.floatEmbedding, new Float32Array([1, 0]));
  session.classify(px, classifyOptions());
  assert.deepEqual(step(), [['preprocess'], ['infer'], ['categories']], 'no embedding unless asked');
  session.free();
});

test('errors: a filter the labels refuse is BAD_OPTIONS; a trap is WORKER_CRASHED', async () => {
  const wasm = fakeWasm({ checkFilter: wasmError('BAD_OPTIONS', "no category is named 'x'"), infer: new WebAssembly.RuntimeError('unreachable') });
  const session = await ModelSession.open(wasm, ENTRY, BYTES);
  assert.throws(() => session.checkFilter(classifyOptions({ categoryAllowlist: ['x'] }).filter), hasCode(ErrorCode.BAD_OPTIONS, /'x'/));
  assert.throws(() => session.classify({ data: new Uint8Array(16), width: 2, height: 2 }, classifyOptions()), hasCode(ErrorCode.WORKER_CRASHED, /trapped/));
  session.free();
});

test('free: the wasm object is freed once; later calls are DISPOSED', async () => {
  const wasm = fakeWasm();
  const session = await ModelSession.open(wasm, ENTRY, BYTES);
  assert.deepEqual(session.profile(), [{ op: 'Conv', nodes: 3, ms: 1.5 }]);
  session.free();
  session.free();
  assert.equal(wasm.log.filter(([what]) => what === 'free').length, 1);
  assert.throws(() => session.classify({ data: new Uint8Array(16), width: 2, height: 2 }, classifyOptions()), hasCode(ErrorCode.DISPOSED));
  assert.throws(() => session.checkFilter(classifyOptions().filter), hasCode(ErrorCode.DISPOSED));
  assert.throws(() => session.profile(), hasCode(ErrorCode.DISPOSED));
});
