// A caller's own model entry is checked before anything is fetched, and by the same rules as
// Rust's: each bad entry below is rejected by the JS check (resolveModel, BAD_OPTIONS) and by
// the wasm build (crate/src/manifest/, its WasmClassifier constructor), both naming one field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { ImageClassifier, ErrorCode, EffnetError, models } from 'effnet-wasm';
import * as wasm from '../../www/pkg/simd/effnet.js';
import { toEffnetError } from '../../www/src/shared/errors.js';
import { resolveModel } from '../../www/src/shared/manifest.js';

wasm.initSync({ module: await readFile(new URL('../../www/pkg/simd/effnet_bg.wasm', import.meta.url)) });

const lite0 = models.find((m) => m.id === 'efficientnet-lite0');
const b7 = models.find((m) => m.id === 'efficientnet-b7'); // NHWC, centerCropThenResize

/** The caller's own entry: `base`'s contract with `edit` applied to a copy. */
function own(edit, base = lite0) {
  const entry = structuredClone({ id: 'mine', url: 'https://example.invalid/mine.onnx', input: base.input, preprocess: base.preprocess, output: base.output });
  edit(entry);
  return entry;
}

// [the field named, what is wrong with it]
const BAD = [
  ['preprocess.cropPct', (e) => (e.preprocess.cropPct = 2)],
  ['preprocess.cropPct', (e) => (e.preprocess.cropPct = 0)],
  ['preprocess.cropPct', (e) => (e.preprocess.cropPct = -0.5)],
  ['preprocess.cropPct', (e) => (e.preprocess.cropPct = NaN)],
  ['preprocess.cropPct', (e) => (e.preprocess.cropPct = '0.875')],
  ['preprocess.cropPct', (e) => delete e.preprocess.cropPct],
  ['preprocess.cropPadding', (e) => (e.preprocess.cropPadding = 32)],
  ['preprocess.cropPadding', (e) => (e.preprocess.resize = 'centerCropThenResize')],
  ['preprocess.cropPct', (e) => (e.preprocess.cropPct = 0.9), b7],
  ['preprocess.cropPadding', (e) => (e.preprocess.cropPadding = -1), b7],
  ['preprocess.size', (e) => (e.preprocess.size = 0)],
  ['preprocess.size', (e) => (e.preprocess.size = 224.5)],
  ['preprocess.size', (e) => (e.preprocess.size = '224')],
  ['preprocess.size', (e) => (e.preprocess.size = -224)],
  ['preprocess.size', (e) => delete e.preprocess.size],
  ['preprocess.resize', (e) => (e.preprocess.resize = 'stretch')],
  ['preprocess.resize', (e) => delete e.preprocess.resize],
  ['preprocess.interpolation', (e) => (e.preprocess.interpolation = 'cubic')],
  ['preprocess.interpolation', (e) => (e.preprocess.interpolation = 'BICUBIC')],
  ['preprocess.channelOrder', (e) => (e.preprocess.channelOrder = 'RBG')],
  ['preprocess.channelOrder', (e) => delete e.preprocess.channelOrder],
  ['preprocess.valueRange', (e) => (e.preprocess.valueRange = 0)],
  ['preprocess.valueRange', (e) => delete e.preprocess.valueRange],
  ['preprocess.mean', (e) => (e.preprocess.mean = [0.485, 0.456])],
  ['preprocess.mean', (e) => (e.preprocess.mean = [0.485, 0.456, 0.406, 0.5])],
  ['preprocess.mean', (e) => (e.preprocess.mean = [0.485, NaN, 0.406])],
  ['preprocess.mean', (e) => (e.preprocess.mean = 0.5)],
  ['preprocess.std', (e) => (e.preprocess.std = [0.229, 0, 0.225])],
  ['preprocess.std', (e) => (e.preprocess.std = [0.229, 0.224])],
  ['preprocess.std', (e) => delete e.preprocess.std],
  ['input.layout', (e) => (e.input.layout = 'NCWH')],
  ['input.layout', (e) => (e.input.layout = 'nchw')],
  ['input.shape', (e) => (e.input.shape = [1, 224, 224, 3])],
  ['input.shape', (e) => (e.input.shape = [1, 3, 240, 240])],
  ['input.shape', (e) => (e.input.shape = [1, 3, -224, 224])],
  ['input.shape', (e) => (e.input.shape = [1, 3, 300, 300]), b7],
  ['input.shape', (e) => delete e.input.shape],
  ['input.name', (e) => delete e.input.name],
  ['input.name', (e) => (e.input.name = 7)],
  ['output.kind', (e) => (e.output.kind = 'softmax')],
  ['output.kind', (e) => delete e.output.kind],
  ['output.name', (e) => delete e.output.name],
  ['output.embedding', (e) => (e.output.embedding = 'embedding')],
  ['output.embedding.size', (e) => (e.output.embedding.size = 0)],
  ['output.embedding.size', (e) => (e.output.embedding.size = '1280')],
  ['output.embedding.size', (e) => delete e.output.embedding.size],
  ['output.embedding.name', (e) => delete e.output.embedding.name],
  ['output.embedding.name', (e) => (e.output.embedding.name = 'logits')],
  ['input', (e) => (e.input = [1, 3, 224, 224])],
  ['preprocess', (e) => (e.preprocess = 'timm')],
  ['sha256', (e) => (e.sha256 = 42)],
  ['bytes', (e) => (e.bytes = -1)],
  ['bytes', (e) => (e.bytes = 1.5)],
  ['file', (e) => (e.file = null)],
];

// the field a message names: `model 'mine': preprocess.cropPct must be ...`; Rust may also name
// an array's element (`input.shape[2]`)
const fieldOf = (message) => message.match(/model 'mine': ([\w.]+)/)?.[1];

function jsRejection(entry) {
  try {
    resolveModel(entry);
  } catch (e) {
    assert.ok(e instanceof EffnetError, String(e));
    assert.equal(e.code, ErrorCode.BAD_OPTIONS, e.message);
    return e.message;
  }
  return null;
}

/** Rust's verdict on the entry: its message, or null if it gets past the entry to the (empty) model. */
function wasmRejection(entry) {
  try {
    new wasm.WasmClassifier(JSON.stringify(entry), new Uint8Array(0));
  } catch (raw) {
    const e = toEffnetError(raw);
    if (e.code === ErrorCode.MODEL_INTEGRITY) return null; // the entry passed; no model bytes
    assert.equal(e.code, ErrorCode.BAD_MANIFEST, e.message);
    return e.message;
  }
  assert.fail('an empty model loaded');
}

test('each bad entry is rejected by the JS check and by wasm, both naming the field', () => {
  for (const [field, edit, base] of BAD) {
    const entry = own(edit, base);
    const js = jsRejection(entry);
    const rust = wasmRejection(entry);
    console.log(`${field}\n  js:   ${js}\n  wasm: ${rust}`);
    assert.ok(js, `JS accepts a bad ${field}: ${edit}`);
    assert.ok(rust, `wasm accepts a bad ${field}: ${edit}`);
    assert.equal(fieldOf(js), field, js);
    assert.equal(fieldOf(rust), field, rust);
  }
});

test('a message says what is wrong and what was given', () => {
  assert.equal(jsRejection(own((e) => (e.preprocess.cropPct = 2))), "model 'mine': preprocess.cropPct must be in (0, 1], got 2");
  assert.equal(
    jsRejection(own((e) => (e.input.layout = 'NHWC'))),
    "model 'mine': input.shape must be [1, 224, 224, 3] (layout NHWC, preprocess.size 224), got [1, 3, 224, 224]",
  );
  assert.equal(
    jsRejection(own((e) => (e.preprocess.interpolation = 'cubic'))),
    "model 'mine': preprocess.interpolation must be one of 'bicubic', 'bilinear', got 'cubic'",
  );
  assert.equal(jsRejection({ id: 'mine', url: 'x.onnx' }), "model 'mine': input is missing");
});

test('an unknown label set is rejected by both', () => {
  const entry = own((e) => (e.output.labels = 'coco-80'));
  assert.equal(jsRejection(entry), "model 'mine': output.labels must be one of 'imagenet-1k', got 'coco-80'");
  // Rust finds it when it looks the labels up (crate/src/labels.rs), after the entry's checks
  assert.match(wasmRejection(entry), /unknown label set 'coco-80'/);
});

test('every manifest entry passes both checks, and good entries of your own do', () => {
  for (const m of models) {
    assert.equal(jsRejection({ ...m, url: 'x.onnx' }), null, m.id);
    assert.equal(wasmRejection({ ...m, id: 'mine' }), null, m.id);
    if (m.available) assert.equal(resolveModel(m.id), m);
  }
  const fine = [
    (e) => (e.preprocess.cropPct = 1),
    (e) => (e.preprocess.std = [-0.229, 0.224, 0.225]),
    (e) => Object.assign(e, { sha256: null, bytes: null, name: 'Mine' }),
    (e) => Object.assign(e.preprocess, { cropPadding: null, interpolation: 'bilinear', channelOrder: 'BGR', valueRange: 255 }),
    (e) => Object.assign(e.output, { kind: 'probabilities' }),
  ];
  for (const edit of fine) {
    const entry = own(edit);
    assert.equal(jsRejection(entry), null, String(edit));
    assert.equal(wasmRejection(entry), null, String(edit));
  }
});

test('ImageClassifier.create rejects a bad entry before fetching anything', async () => {
  const requests = [];
  const server = createServer((req, res) => {
    requests.push(req.url);
    res.writeHead(404).end();
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const url = `http://127.0.0.1:${server.address().port}/mine.onnx`;
    await assert.rejects(ImageClassifier.create({ model: own((e) => Object.assign(e, { url }, { preprocess: { ...e.preprocess, cropPct: 2 } })) }), (e) => {
      assert.equal(e.code, ErrorCode.BAD_OPTIONS, e.message);
      assert.equal(e.message, "model 'mine': preprocess.cropPct must be in (0, 1], got 2");
      return true;
    });
    assert.deepEqual(requests, [], 'nothing was fetched');
    // the same entry, fixed, is fetched: the server was there to be asked
    await assert.rejects(ImageClassifier.create({ model: own((e) => Object.assign(e, { url })) }), { code: ErrorCode.MODEL_FETCH });
    assert.deepEqual(requests, ['/mine.onnx']);
  } finally {
    server.close();
  }
});
