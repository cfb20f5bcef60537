// Our f32 GEMM kernel for wasm (crate/src/kernels/) against tract-linalg's own, in the simd
// build under Node: every real f32 model, and a model of awkward shapes, run once with each
// kernel must give the same logits bit for bit (both sum each output in the same order, without
// fused multiply-adds), and the profile must show which kernel ran. The relaxed builds, whose
// fused multiply-adds round differently, are compared with a tolerance in the browser tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as wasm from '../../www/pkg/simd/effnet.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
wasm.initSync({ module: await readFile(`${repo}/www/pkg/simd/effnet_bg.wasm`) });
const manifest = JSON.parse(await readFile(`${repo}/models/manifest.json`, 'utf8'));
const PHOTOS = ['coffee.png', 'rocket.jpg'];
const photos = PHOTOS.map((name) => wasm.decodeImage(new Uint8Array(readFileSync(`${repo}/tests/fixtures/${name}`))));

const OURS = 'effnet_wasm_f32_4x8';

/** Each photo's logits through `clf`. */
const logitsOf = (clf) =>
  photos.map((img) => {
    clf.preprocess(img.data, img.width, img.height);
    clf.infer();
    return clf.output();
  });

/**
 * Each photo's logits with the kernels `kernels` chooses (the constructor's JSON; undefined:
 * the build's default), and the model's profile.
 */
function runWith(entry, bytes, kernels) {
  const clf = new wasm.WasmClassifier(JSON.stringify(entry), bytes, kernels && JSON.stringify(kernels));
  try {
    return { logits: logitsOf(clf), profile: JSON.parse(clf.profile()) };
  } finally {
    clf.free();
  }
}

/** Logits for each photo, and the kernels the model's matrix products ran. */
function run(entry, bytes, own) {
  // ours is the default: no argument, so a load with tract's kernel before must leave nothing
  // behind
  const { logits, profile } = runWith(entry, bytes, own ? undefined : { gemm: false });
  const kernels = new Set(
    profile
      .map((t) => /^OptMatMul\((.*)\)$/.exec(t.op)?.[1])
      .filter(Boolean)
      .flatMap((k) => k.split(',')),
  );
  return { logits, kernels: [...kernels].sort() };
}

function assertSameBits(a, b, what) {
  assert.equal(a.length, b.length, what);
  const differing = a.reduce((n, x, i) => n + (Object.is(x, b[i]) ? 0 : 1), 0);
  assert.equal(differing, 0, `${what}: ${differing} of ${a.length} logits differ`);
}

function compare(entry, bytes) {
  const tract = run(entry, bytes, false);
  const ours = run(entry, bytes, true);
  console.log(`${entry.id}: tract ran [${tract.kernels}], ours [${ours.kernels}]`);
  assert.ok(ours.kernels.includes(OURS), `${entry.id}: our kernel ran`);
  assert.ok(!tract.kernels.includes(OURS), `${entry.id}: tract's kernels only, when asked`);
  // matrix-vector products keep tract's GEMV kernels either way
  assert.deepEqual(ours.kernels.filter((k) => k !== OURS), tract.kernels.filter((k) => !/_8x8$/.test(k)));
  PHOTOS.forEach((p, i) => assertSameBits(ours.logits[i], tract.logits[i], `${entry.id} ${p}`));
  return ours;
}

test('every real f32 model: our GEMM kernel gives tract-linalg\'s logits bit for bit', async () => {
  const real = manifest.models.filter((m) => m.sha256 && m.storage !== 'int8' && existsSync(`${repo}/models/${m.file}`));
  for (const id of ['efficientnet-lite0', 'efficientnet-lite1', 'efficientnet-lite2']) {
    assert.ok(real.some((m) => m.id === id), `${id} is built (npm run models)`);
  }
  for (const entry of real) {
    const ours = compare(entry, await readFile(`${repo}/models/${entry.file}`));
    // and the answer is the right one
    const coffee = ours.logits[0];
    assert.equal(coffee.indexOf(Math.max(...coffee)), 967, `${entry.id}: espresso`);
  }
});

test('awkward shapes (7 and 13 rows, 5625 columns, a fused bias): bit for bit', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'effnet-kernels-'));
  try {
    const venv = process.env.EFFNET_VENV || join(repo, '.venv');
    const out = join(dir, 'odd-shapes.onnx');
    const made = spawnSync(join(venv, 'bin/python'), [`${repo}/tests/js/odd_shapes.py`, out], { encoding: 'utf8' });
    assert.equal(made.status, 0, `making the model failed: ${made.error ?? made.stderr}`);
    const lite0 = manifest.models.find((m) => m.id === 'efficientnet-lite0');
    // the graph has the scores only: no embedding output for the entry to name
    const { embedding: _, ...output } = lite0.output;
    const entry = { ...lite0, id: 'odd-shapes', file: 'odd-shapes.onnx', sha256: undefined, bytes: undefined, output };
    const ours = compare(entry, await readFile(out));
    // a real computation, not zeros: the logits vary from class to class and photo to photo
    assert.ok(new Set(ours.logits[0]).size > 900);
    assert.notDeepEqual(ours.logits[0], ours.logits[1]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// Our depthwise convolution (crate/src/kernels/dwconv_*.rs), its SIMD128 path: each case of
// the per-operation check against tract's DepthWise (and its clamp), bit for bit, and against
// the plain reference; then whole models with it and with tract's, bit for bit.
test('depthwise convolution, per operation: every kernel path equals tract\'s bit for bit', () => {
  const outcomes = JSON.parse(wasm.dwconvSelfTest());
  assert.ok(outcomes.length >= 30, `${outcomes.length} cases`);
  for (const o of outcomes) {
    const what = JSON.stringify(o.case);
    assert.deepEqual(o.our_ops, ['EffnetDepthWise'], `${what}: one op, the clamp fused`);
    assert.ok(o.tract_ops.includes('DepthWiseConv'), `${what}: tract ran its DepthWise (${o.tract_ops})`);
    assert.equal(o.bits_differ_tract, 0, `${what}: ${o.bits_differ_tract} of ${o.outputs} outputs differ from tract's (max ${o.max_diff_tract})`);
    assert.equal(o.max_diff_reference, 0, `${what}: against the reference`);
  }
});

/** Logits per photo with our depthwise convolution or tract's, and the profile's op names. */
function runDw(entry, bytes, own) {
  const { logits, profile } = runWith(entry, bytes, { dwconv: own });
  return { logits, ops: profile.map((t) => `${t.op} ${t.nodes}`) };
}

test('every real f32 model: our depthwise convolution gives tract\'s logits bit for bit', async () => {
  const real = manifest.models.filter((m) => m.sha256 && m.storage !== 'int8' && existsSync(`${repo}/models/${m.file}`));
  for (const entry of real) {
    const bytes = await readFile(`${repo}/models/${entry.file}`);
    const tract = runDw(entry, bytes, false);
    const ours = runDw(entry, bytes, true);
    const dw = (r) => r.ops.filter((o) => /DepthWise/.test(o));
    console.log(`${entry.id}: tract [${dw(tract)}], ours [${dw(ours)}]`);
    if (dw(tract).length) assert.ok(dw(ours).every((o) => o.startsWith('EffnetDepthWise')), `${entry.id}: ours replaced tract's`);
    PHOTOS.forEach((p, i) => {
      assertSameBits(ours.logits[i], tract.logits[i], `${entry.id} ${p}`);
      const top = (l) => l.indexOf(Math.max(...l));
      assert.equal(top(ours.logits[i]), top(tract.logits[i]), `${entry.id} ${p}: top-1`);
    });
  }
});

// Our 1x1 convolution (crate/src/kernels/pointwise_*.rs), its SIMD128 path: each case of the
// per-operation check against tract's matrix product (and its fused bias, clamp and residual
// add), bit for bit, and against the plain reference; then whole models with it and without.
test('1x1 convolution, per operation: every tile and epilogue equals tract\'s bit for bit', () => {
  const outcomes = JSON.parse(wasm.pointwiseSelfTest());
  assert.ok(outcomes.length >= 9, `${outcomes.length} cases`);
  for (const o of outcomes) {
    const what = JSON.stringify(o.case);
    assert.deepEqual(o.our_ops, ['EffnetPointwise'], `${what}: one op, the epilogue fused`);
    assert.ok(o.tract_ops.some((op) => op.startsWith('OptMatMul')), `${what}: tract ran its matrix product (${o.tract_ops})`);
    assert.equal(o.bits_differ_tract, 0, `${what}: ${o.bits_differ_tract} of ${o.outputs} outputs differ from tract's (max ${o.max_diff_tract})`);
    assert.equal(o.max_diff_reference, 0, `${what}: against the reference`);
  }
});

/** Logits per photo with our 1x1 convolution or tract's, and the profile's ops. */
function runPw(entry, bytes, own) {
  const { logits, profile } = runWith(entry, bytes, { pointwise: own });
  return { logits, ops: profile.map((t) => ({ op: t.op, nodes: t.nodes })) };
}

test('every real f32 model: our 1x1 convolution gives tract\'s logits bit for bit', async () => {
  const real = manifest.models.filter((m) => m.sha256 && m.storage !== 'int8' && existsSync(`${repo}/models/${m.file}`));
  for (const entry of real) {
    const bytes = await readFile(`${repo}/models/${entry.file}`);
    const tract = runPw(entry, bytes, false);
    const ours = runPw(entry, bytes, true);
    const count = (r, re) => r.ops.filter((o) => re.test(o.op)).reduce((n, o) => n + o.nodes, 0);
    const pw = count(ours, /^EffnetPointwise$/);
    console.log(`${entry.id}: ${pw} pointwise ops; products ${count(tract, /^OptMatMul\(/)} -> ${count(ours, /^OptMatMul\(/)}, packing ${count(tract, /^OptMatMulPack$/)} -> ${count(ours, /^OptMatMulPack$/)}`);
    // every 1x1 convolution of EfficientNet-Lite: the stem (a 3x3) and the classifier (a
    // matrix-vector product) stay tract's
    assert.ok(pw >= 30, `${entry.id}: ${pw} pointwise ops`);
    assert.ok(count(ours, /^OptMatMulPack$/) <= 1, `${entry.id}: packing left only for the stem`);
    PHOTOS.forEach((p, i) => assertSameBits(ours.logits[i], tract.logits[i], `${entry.id} ${p}`));
  }
});

test('a kernel choice the binding does not know is refused (BAD_OPTIONS), before any load', async () => {
  const lite0 = manifest.models.find((m) => m.id === 'efficientnet-lite0');
  const bytes = await readFile(`${repo}/models/${lite0.file}`);
  for (const kernels of ['{"gemm":false,"depthwise":false}', '{"gemm":"no"}', 'tract']) {
    assert.throws(() => new wasm.WasmClassifier(JSON.stringify(lite0), bytes, kernels), { name: 'BAD_OPTIONS' }, kernels);
  }
});
