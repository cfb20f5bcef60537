// Image bombs in Node and on the browser's path: small files declaring huge images are a
// BAD_IMAGE naming the file and the limit (250 MP, 32768 px a side: crate/src/decode/limits.rs),
// refused from their headers before anything is allocated for their pixels; the rest of a
// batch is unaffected and the process's memory stays flat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { ImageClassifier, ErrorCode, EffnetError } from 'effnet-wasm';
import * as wasm from '../../www/pkg/simd/effnet.js';
import { openImage } from '../../www/src/shared/open-image.js';

const file = async (rel) => new Uint8Array(await readFile(new URL(`../${rel}`, import.meta.url)));
wasm.initSync({ module: await readFile(new URL('../../www/pkg/simd/effnet_bg.wasm', import.meta.url)) });
const clf = await ImageClassifier.create({ model: 'efficientnet-lite0' });

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => (bytes.reduce((c, b) => crcTable[(c ^ b) & 0xff] ^ (c >>> 8), 0xffffffff) ^ 0xffffffff) >>> 0;

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A valid 1-bit greyscale PNG of `w` x `h` black pixels: 110 KB for 30000 x 30000. */
function png(w, h) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([1, 0, 0, 0, 0], 8);
  const rows = Buffer.alloc(h * (1 + Math.ceil(w / 8))); // filter byte 0, then zeros
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', [])]));
}

/** A valid lossless WebP of `w` x `h` (to 16384 a side) in 30 bytes: one-symbol prefix codes, 0 bits a pixel. */
function webpLossless(w, h) {
  const bits = [];
  const put = (v, n) => {
    for (let k = 0; k < n; k++) bits.push((v >>> k) & 1);
  };
  put(0x2f, 8);
  put(w - 1, 14);
  put(h - 1, 14);
  put(0, 4 + 3); // no alpha, version 0; no transform, colour cache nor meta codes
  for (const symbol of [0, 0, 0, 255, 0]) {
    put(1, 1);
    put(0, 1);
    if (symbol < 2) {
      put(0, 1);
      put(symbol, 1);
    } else {
      put(1, 1);
      put(symbol, 8);
    }
  }
  const data = new Uint8Array(Math.ceil(bits.length / 16) * 2);
  bits.forEach((b, i) => (data[i >> 3] |= b << (i & 7)));
  const head = Buffer.alloc(20);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(12 + data.length, 4);
  head.write('WEBPVP8L', 8, 'latin1');
  head.writeUInt32LE(data.length, 16);
  return new Uint8Array(Buffer.concat([head, data]));
}

/** A copy of `bytes`, changed by `write`. */
function patched(bytes, write) {
  const b = Buffer.from(bytes);
  write(b);
  return new Uint8Array(b);
}

/** The offset of a JPEG's start-of-frame marker. */
const sof = (b) => {
  for (let i = 2; ; i += 2 + b.readUInt16BE(i + 2)) if (b[i + 1] >= 0xc0 && b[i + 1] <= 0xc2) return i;
};

const cat = await file('fixtures/jpeg/chelsea-420.jpg');
const gif = await file('rust/fuzz/seeds/still.gif');
const BOMBS = {
  'big.png': png(30000, 30000),
  'lossless.webp': webpLossless(16383, 16383),
  'sof.jpg': patched(cat, (b) => (b.writeUInt16BE(65500, sof(b) + 5), b.writeUInt16BE(65500, sof(b) + 7))),
  'screen.gif': patched(gif, (b) => (b.writeUInt16LE(65535, 6), b.writeUInt16LE(65535, 8))),
};

const refusal = (name, size) =>
  new RegExp(`^${name.replace(/[.()]/g, '\\$&')}: the image is ${size} pixels \\(\\d+ MP\\), larger than the 250 MP and 32768 pixels a side`);
const SIZES = { 'big.png': '30000x30000', 'lossless.webp': '16383x16383', 'sof.jpg': '65500x65500', 'screen.gif': '65535x65535' };

test('the bombs are real files: at a small size the same bytes decode', async () => {
  for (const [bytes, w, h] of [
    [png(640, 480), 640, 480],
    [webpLossless(64, 48), 64, 48],
  ]) {
    const r = await clf.classify(bytes, { maxResults: 1 });
    assert.equal(r.categories.length, 1, `${w}x${h}`);
  }
  assert.equal(BOMBS['lossless.webp'].length, 30);
});

test('a bomb is a BAD_IMAGE naming the file and the limit, in milliseconds, and memory stays flat', async () => {
  const before = process.memoryUsage().rss;
  for (const [name, bytes] of Object.entries(BOMBS)) {
    for (const [source, label] of [
      [new File([bytes], name), name],
      [bytes, `image (${bytes.length} bytes)`],
    ]) {
      const t0 = performance.now();
      const e = await clf.classify(source).then(
        () => assert.fail(`${name} classified`),
        (err) => err,
      );
      const ms = performance.now() - t0;
      console.log(`${name} (${bytes.length} bytes): ${ms.toFixed(1)} ms: ${e.message}`);
      assert.ok(e instanceof EffnetError && e.code === ErrorCode.BAD_IMAGE, `${name}: ${e}`);
      assert.match(e.message, refusal(label, SIZES[name]));
      assert.ok(ms < 200, `${name}: ${ms} ms`); // about 1 ms; the margin is for a loaded machine
    }
  }
  const grew = (process.memoryUsage().rss - before) / 2 ** 20;
  console.log(`rss grew ${grew.toFixed(1)} MiB over ${Object.keys(BOMBS).length * 2} bombs`);
  // decoded, the smallest of them would be 1 GiB of RGBA
  assert.ok(grew < 64, `${grew} MiB`);
});

test('the browser path refuses a bomb before createImageBitmap sees it', () => {
  // what the worker's pixels.js calls with a Blob's bytes, JPEG, WebP and GIF being the
  // browser's to decode: the crate answers from the headers
  for (const [name, bytes] of Object.entries(BOMBS)) {
    assert.throws(
      () => openImage(wasm, name, bytes, { hostFormats: ['JPEG', 'WebP', 'GIF'] }),
      (e) => e.code === ErrorCode.BAD_IMAGE && refusal(name, SIZES[name]).test(e.message),
      name,
    );
  }
  // a photo's headers pass: the bytes go on to the browser's decoder
  const ok = openImage(wasm, 'cat.jpg', cat, { hostFormats: ['JPEG', 'WebP', 'GIF'] });
  assert.equal(ok.format, 'JPEG');
});

test('classifyBatch: a bomb fails alone, the photos around it classify', async () => {
  const coffee = new File([await file('fixtures/coffee.png')], 'coffee.png');
  const seeds = ['lossy.webp', 'animated.gif'].map(async (n) => new File([await file(`rust/fuzz/seeds/${n}`)], n));
  const sources = [coffee, new File([BOMBS['lossless.webp']], 'bomb.webp'), ...(await Promise.all(seeds))];
  const rs = await clf.classifyBatch(sources, { maxResults: 1 });
  assert.equal(rs[0].categories[0].label, 'espresso');
  assert.equal(rs[1].error.code, ErrorCode.BAD_IMAGE);
  assert.match(rs[1].error.message, /^bomb\.webp: the image is 16383x16383 pixels/);
  assert.equal(rs[2].categories.length, 1, 'a WebP after the bomb');
  assert.equal(rs[3].categories.length, 1, 'a GIF after the bomb');
});
