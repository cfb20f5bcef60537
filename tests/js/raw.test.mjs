// Camera RAW in Node, through the wasm build: the fixtures of tests/fixtures/raw/ (make_raw.py:
// DNG, CR2, CR3, NEF, ARW, RAF, ORF and RW2 around JPEG previews of the repo's photos, two
// stored sideways with the RAW's orientation) classify as their source photos do, exact and
// fast, as a File and as bytes; the rotated ones come out upright (the crate decodes and turns
// them: the host's JPEG decoder would not know the RAW's orientation); a preview too small is
// BAD_IMAGE naming the file and the sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ImageClassifier, ErrorCode } from 'effnet-wasm';
import { decodeImage } from '../../www/src/node/decode.js';
import * as wasm from '../../www/pkg/simd/effnet.js';

const url = (rel) => new URL(`../fixtures/${rel}`, import.meta.url);
const fixtures = JSON.parse(await readFile(url('raw/raw.json'), 'utf8'));
const reference = JSON.parse(await readFile(url('reference.json'), 'utf8'));
wasm.initSync({ module: await readFile(new URL('../../www/pkg/simd/effnet_bg.wasm', import.meta.url)) });
const readable = Object.entries(fixtures).filter(([, f]) => f.preview);

test('each RAW fixture is tagged as its source photo, exact and fast, as a File and as bytes', async () => {
  const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });
  try {
    for (const [name, f] of readable) {
      const bytes = new Uint8Array(await readFile(url(`raw/${name}`)));
      const want = reference['efficientnet-lite0'].images[f.source].top5[0][0];
      for (const decode of ['exact', 'fast']) {
        for (const source of [new File([bytes], name), bytes]) {
          const r = await clf.classify(source, { decode, maxResults: 1 });
          assert.equal(r.categories[0].index, want, `${name} (${decode}): ${r.categories[0].label}`);
        }
      }
    }
  } finally {
    clf.dispose();
  }
});

test('a rotated RAW is upright: the same pixels as its preview turned, the size of its source photo', async () => {
  for (const [name, f] of readable.filter(([, f]) => f.orientation !== 1)) {
    const bytes = new Uint8Array(await readFile(url(`raw/${name}`)));
    const px = await decodeImage(wasm, bytes, name);
    const [w, h] = f.size; // as stored, sideways
    assert.deepEqual([px.width, px.height], [h, w], `${name} upright`);
    const source = await decodeImage(wasm, new Uint8Array(await readFile(url(f.source))), f.source);
    let diff = 0;
    for (let i = 0; i < px.data.length; i++) diff += Math.abs(px.data[i] - source.data[i]);
    const mean = diff / px.data.length;
    assert.ok(mean < 4, `${name}: mean |decoded - ${f.source}| = ${mean.toFixed(2)}, not upright`);
  }
});

test('a RAW whose only preview is a thumbnail, or that has none, is BAD_IMAGE saying so, named once', async () => {
  const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });
  try {
    for (const [name, f] of Object.entries(fixtures).filter(([, f]) => f.error)) {
      const bytes = new Uint8Array(await readFile(url(`raw/${name}`)));
      for (const decode of ['exact', 'fast']) {
        await assert.rejects(clf.classify(new File([bytes], name), { decode }), (e) => {
          assert.equal(e.code, ErrorCode.BAD_IMAGE);
          assert.equal(e.message.split(name).length, 2, e.message);
          assert.ok(e.message.includes(f.error), e.message);
          return true;
        });
      }
    }
  } finally {
    clf.dispose();
  }
});
