// Node's image decoding (www/src/node/decode.js): JPEGs to PIL's pixels for every chroma
// subsampling and a progressive file (tests/fixtures/jpeg/, each beside PIL's decode as
// .pil.png), EXIF orientation, CMYK, and files cut short refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ImageClassifier, ErrorCode, EffnetError } from 'effnet-wasm';
import * as wasm from '../../www/pkg/simd/effnet.js';
import { decodeImage } from '../../www/src/node/decode.js';

const fixture = async (name) => new Uint8Array(await readFile(new URL(`../fixtures/${name}`, import.meta.url)));
wasm.initSync({ module: await readFile(new URL('../../www/pkg/simd/effnet_bg.wasm', import.meta.url)) });

const CASES = ['chelsea-420', 'chelsea-422', 'chelsea-444', 'chelsea-420-progressive', 'chelsea-gray'];

test('every JPEG subsampling decodes to exactly the pixels PIL gives', async () => {
  for (const name of CASES) {
    const ours = await decodeImage(wasm, await fixture(`jpeg/${name}.jpg`));
    const pil = wasm.decodeImage(await fixture(`jpeg/${name}.pil.png`)); // PNG: lossless
    assert.deepEqual([ours.width, ours.height], [pil.width, pil.height], name);
    let differing = 0;
    for (let i = 0; i < pil.data.length; i++) if (ours.data[i] !== pil.data[i]) differing++;
    console.log(`${name}: ${differing} of ${pil.data.length} values differ from PIL's`);
    assert.equal(differing, 0, name);
  }
});

test('the EXIF orientation is applied and CMYK JPEGs still decode', async () => {
  const upright = await decodeImage(wasm, await fixture('odd/exif-rotated.jpg')); // stored 400x600, orientation 6
  assert.deepEqual([upright.width, upright.height], [600, 400]);
  const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });
  const r = await clf.classify(await fixture('odd/exif-rotated.jpg'), { maxResults: 1 });
  assert.equal(r.categories[0].label, 'espresso');
  const cmyk = await clf.classify(await fixture('odd/cmyk.jpg'), { maxResults: 1 });
  assert.ok(cmyk.categories[0].index >= 281 && cmyk.categories[0].index <= 285, cmyk.categories[0].label);
  clf.dispose();
});

test('a JPEG libjpeg refuses is BAD_IMAGE, and the next JPEG decodes in a fresh codec instance', async () => {
  // a Huffman table whose code counts add up to more than 256 codes: libjpeg's fatal error
  const bytes = await fixture('jpeg/chelsea-420.jpg');
  const bad = bytes.slice();
  const dht = bad.findIndex((b, i) => b === 0xff && bad[i + 1] === 0xc4);
  bad.fill(0xff, dht + 5, dht + 5 + 16);
  await assert.rejects(decodeImage(wasm, bad), (e) => e instanceof EffnetError && e.code === ErrorCode.BAD_IMAGE);
  const ok = await decodeImage(wasm, bytes);
  assert.deepEqual([ok.width, ok.height], [451, 300]);
});

test('a truncated JPEG or PNG is BAD_IMAGE saying so, and the next file still works', async () => {
  const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });
  for (const name of ['odd/truncated.jpg', 'odd/truncated.png']) {
    await assert.rejects(clf.classify(await fixture(name)), (e) => {
      assert.ok(e instanceof EffnetError, String(e));
      assert.equal(e.code, ErrorCode.BAD_IMAGE);
      assert.match(e.message, /(JPEG|PNG) file is truncated/);
      return true;
    });
  }
  await assert.rejects(decodeImage(wasm, await fixture('odd/truncated.jpg'), 'holiday.jpg'), /holiday\.jpg: the JPEG file is truncated/);
  const r = await clf.classify(await fixture('rocket.jpg'), { maxResults: 1 });
  assert.equal(r.categories[0].label, 'missile');
  clf.dispose();
});
