// HEIC in Node: the fixtures made from the repo's photos (tests/fixtures/heic/, make_heic.py:
// one coded picture, a 2x2 grid of tiles, two stored turned with irot) classify as their
// source photos do, upright; the HEIC module (www/pkg/heic/heic.wasm) is read only once a
// HEIC appears; a HEIC cut short or a file that is none says why, naming the file once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ImageClassifier, ErrorCode } from 'effnet-wasm';
import { decodeImage } from '../../www/src/node/decode.js';
import * as wasm from '../../www/pkg/simd/effnet.js';

const url = (rel) => new URL(`../fixtures/${rel}`, import.meta.url);
const fixtures = JSON.parse(await readFile(url('heic/heic.json'), 'utf8'));
delete fixtures._made_with;
const reference = JSON.parse(await readFile(url('reference.json'), 'utf8'));
wasm.initSync({ module: await readFile(new URL('../../www/pkg/simd/effnet_bg.wasm', import.meta.url)) });

test('each HEIC fixture is tagged as its source photo, upright, exact and fast', async () => {
  const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });
  try {
    for (const [name, f] of Object.entries(fixtures)) {
      const bytes = new Uint8Array(await readFile(url(`heic/${name}`)));
      const px = await decodeImage(wasm, bytes, name);
      assert.deepEqual([px.width, px.height], [f.width, f.height], `${name} upright`);
      const want = reference['efficientnet-lite0'].images[f.source].top5[0][0];
      for (const decode of ['exact', 'fast']) {
        const r = await clf.classify(new File([bytes], name), { decode, maxResults: 1 });
        assert.equal(r.categories[0].index, want, `${name} (${decode}): ${r.categories[0].label}`);
      }
    }
  } finally {
    clf.dispose();
  }
});

test('a HEIC cut short and a text file named .heic are BAD_IMAGE, named once, saying why', async () => {
  const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });
  try {
    const heic = new Uint8Array(await readFile(url('heic/coffee.heic')));
    await assert.rejects(clf.classify(new File([heic.subarray(0, heic.length >> 1)], 'IMG_0001.heic')), (e) => {
      assert.equal(e.code, ErrorCode.BAD_IMAGE);
      assert.equal(e.message.split('IMG_0001.heic').length, 2, e.message);
      assert.match(e.message, /HEIC file is truncated/);
      return true;
    });
    await assert.rejects(clf.classify(new File(['Not a photo\n'], 'baboon.heic')), (e) => {
      assert.equal(e.code, ErrorCode.BAD_IMAGE);
      assert.equal(e.message.split('baboon.heic').length, 2, e.message);
      assert.match(e.message, /this is a text file, not an image this app can open \(it opens JPEG, PNG, WebP, GIF, HEIC/);
      return true;
    });
  } finally {
    clf.dispose();
  }
});
