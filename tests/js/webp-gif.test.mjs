// WebP and GIF files in Node (decoded by the crate's wasm): tests/fixtures/formats/, coffee.png
// as a lossless WebP and as a 256-colour GIF (tests/fixtures/make_formats.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImageClassifier } from 'effnet-wasm';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixture = async (name) => new Uint8Array(await readFile(join(repo, 'tests/fixtures', name)));
const formats = JSON.parse(await readFile(join(repo, 'tests/fixtures/formats/formats.json'), 'utf8'));
const espresso = JSON.parse(await readFile(join(repo, 'tests/fixtures/reference.json'), 'utf8'))['efficientnet-lite0'].images['coffee.png'].top5[0];
const maxDiff = (a, b) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });
const probs = async (source) => {
  const r = await clf.classify(source, { maxResults: 1, withProbabilities: true });
  return { top: r.categories[0], p: r.probabilities };
};

/** PIL's RGBA decode of a fixture (the reference pipeline's pixels). */
function pilPixels(name) {
  const venv = process.env.EFFNET_VENV || join(repo, '.venv');
  const script = 'import sys,base64;from PIL import Image;im=Image.open(sys.argv[1]).convert("RGBA");print(im.size[0],im.size[1],base64.b64encode(im.tobytes()).decode())';
  const r = spawnSync(join(venv, 'bin/python'), ['-c', script, join(repo, 'tests/fixtures', name)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `PIL failed on ${name}: ${r.error ?? r.stderr}`);
  const [w, h, b64] = r.stdout.trim().split(' ');
  return { width: Number(w), height: Number(h), data: new Uint8Array(Buffer.from(b64, 'base64')) };
}

test('a lossless WebP gives the PNG\'s probabilities exactly, and the reference top-1', async () => {
  const png = await probs(await fixture('coffee.png'));
  const webp = await probs(await fixture('formats/coffee.webp'));
  const file = await probs(new File([await fixture('formats/coffee.webp')], 'coffee.webp', { type: 'image/webp' }));
  const vsOnnx = maxDiff(webp.p, formats['coffee.webp']['efficientnet-lite0'].probs);
  console.log(`coffee.webp: ${webp.top.label} ${webp.top.score.toFixed(4)}; max |p - p(PNG)| ${maxDiff(webp.p, png.p)}, max |p - onnxruntime| ${vsOnnx.toExponential(1)}`);
  assert.deepEqual([webp.top.index, webp.top.label], [espresso[0], espresso[1]]);
  // the same pixels (VP8L is lossless): the same probabilities, bit for bit
  assert.deepEqual(webp.p, png.p);
  assert.deepEqual(file.p, png.p, 'the same as a File');
  assert.ok(vsOnnx < 1e-5, `against onnxruntime: ${vsOnnx}`);
});

test('a GIF gives the probabilities of PIL\'s decode of it exactly, and the reference top-1', async () => {
  const gif = await probs(await fixture('formats/coffee.gif'));
  const pil = await probs(pilPixels('formats/coffee.gif'));
  const png = await probs(await fixture('coffee.png'));
  const ref = formats['coffee.gif']['efficientnet-lite0'];
  const vsOnnx = maxDiff(gif.p, ref.probs);
  const vsPng = maxDiff(gif.p, png.p);
  console.log(`coffee.gif: ${gif.top.label} ${gif.top.score.toFixed(4)}; max |p - p(PIL's pixels)| ${maxDiff(gif.p, pil.p)}, max |p - onnxruntime| ${vsOnnx.toExponential(1)}; max |p - p(PNG)| ${vsPng.toFixed(4)} (palette: pixels off by up to ${formats['coffee.gif'].pixelDiffFromPng.max})`);
  // the GIF's 256 colours are not the PNG's pixels: its decode is held to PIL's decode of the
  // same file (bit for bit) and to onnxruntime on those pixels; the PNG only by its top-1
  assert.deepEqual(gif.p, pil.p);
  assert.ok(vsOnnx < 1e-5, `against onnxruntime: ${vsOnnx}`);
  assert.deepEqual([gif.top.index, gif.top.label], [espresso[0], espresso[1]]);
  assert.equal(ref.top1, espresso[0]);
  // the palette moves the probabilities (0.0049 at most, measured): more would be a decode gone wrong
  assert.ok(vsPng > 0 && vsPng < 0.01, `against the PNG: ${vsPng}`);
});
