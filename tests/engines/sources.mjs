// Every image source the README lists, in the engine suite (suite.mjs calls sourcesTests inside
// engineSuite): each built in the page from the same pixels (PIL's decode of coffee.png, an
// opaque PNG, so no colour management or premultiplication can change them) and classified by
// one classifier, against that ImageData's probabilities. Which types an engine lacks is stated
// below per engine and asserted, so that a missing type can never pass as a skip. The bad
// sources are BAD_IMAGE errors saying what was wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';

/**
 * The source types an engine has no constructor for (feature-detected in the page; asserted, so
 * that a type gone missing fails). Chromium 156, Firefox ESR 153 and WebKitGTK 2.50 (whose
 * VideoFrame too gives the ImageData's probabilities) have every one.
 * @type {Record<'chromium'|'firefox'|'webkit', string[]>}
 */
export const ABSENT = { chromium: [], firefox: [], webkit: [] };

// what each source is built from, in the page (names as the README lists them)
const TYPES = ['ImageData', '{data,width,height}', 'HTMLCanvasElement', 'OffscreenCanvas', 'ImageBitmap', 'HTMLImageElement', 'VideoFrame', 'Blob'];
// the global each type needs ({data,width,height} needs nothing)
const NEEDS = { 'ImageData': 'ImageData', 'HTMLCanvasElement': 'HTMLCanvasElement', 'OffscreenCanvas': 'OffscreenCanvas', 'ImageBitmap': 'createImageBitmap', 'HTMLImageElement': 'HTMLImageElement', 'VideoFrame': 'VideoFrame', 'Blob': 'Blob' };

/**
 * @param {string} engine
 * @param {{harness: () => Promise<any>, done: (page: any) => Promise<void>,
 *   pilPixels: (name: string) => {width: number, height: number, data: Buffer},
 *   reference: Record<string, {top5: any[], probs: number[]}>}} ctx
 */
export function sourcesTests(engine, { harness, done, pilPixels, reference }) {
  test(`${engine}: every source type the engine has gives the ImageData's probabilities for the same pixels (ImageData, {data,width,height}, canvas, OffscreenCanvas, ImageBitmap, <img>, VideoFrame, PNG/WebP/GIF Blobs); the types it lacks are the expected ones`, async () => {
    const coffee = pilPixels('coffee.png');
    const gif = pilPixels('formats/coffee.gif');
    const page = await harness();
    const out = await page.evaluate(
      async ({ coffee, gif, types, needs }) => {
        const bytes = (b64) => Uint8ClampedArray.from(atob(b64), (c) => c.charCodeAt(0));
        const has = (name) => typeof globalThis[name] === 'function';
        const { width, height } = coffee;
        const pixels = bytes(coffee.b64);
        const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
        const run = async (source) => {
          const r = await clf.classify(source, { maxResults: 1, withProbabilities: true });
          return { top: r.categories[0].index, probs: Array.from(r.probabilities) };
        };
        const imageData = () => new ImageData(new Uint8ClampedArray(pixels), width, height);
        const canvas = () => {
          const c = document.createElement('canvas');
          [c.width, c.height] = [width, height];
          c.getContext('2d').putImageData(imageData(), 0, 0);
          return c;
        };
        const build = {
          'ImageData': imageData,
          '{data,width,height}': () => ({ data: new Uint8Array(pixels), width, height }),
          'HTMLCanvasElement': canvas,
          'OffscreenCanvas': () => {
            const c = new OffscreenCanvas(width, height);
            c.getContext('2d').putImageData(imageData(), 0, 0);
            return c;
          },
          'ImageBitmap': () => createImageBitmap(imageData()),
          // a PNG of the same pixels, encoded by the engine, behind a blob: URL
          'HTMLImageElement': async () => {
            const png = await new Promise((ok) => canvas().toBlob(ok, 'image/png'));
            const img = new Image();
            img.src = URL.createObjectURL(png);
            await img.decode();
            return img;
          },
          'VideoFrame': () => new VideoFrame(canvas(), { timestamp: 0 }),
          'Blob': () => fixture('coffee.png'),
        };
        const absent = [];
        const results = {};
        for (const type of types) {
          if (needs[type] && !has(needs[type])) {
            absent.push(type);
            continue;
          }
          const source = await build[type]();
          try {
            results[type] = await run(source);
          } catch (e) {
            results[type] = { error: `${e.code ?? e.name}: ${e.message}` };
          }
          if (type === 'VideoFrame' || type === 'ImageBitmap') source.close();
          if (type === 'HTMLImageElement') URL.revokeObjectURL(source.src);
        }
        // the files' other formats, decoded by the engine (createImageBitmap): a lossless WebP
        // of the same pixels, and a GIF against PIL's decode of it
        const files = { 'WebP Blob': await run(await fixture('formats/coffee.webp')), 'GIF Blob': await run(await fixture('formats/coffee.gif')) };
        const gifPixels = await run(new ImageData(bytes(gif.b64), gif.width, gif.height));
        clf.dispose();
        return { absent, results, files, gifPixels, backend: clf.backend };
      },
      { coffee: { width: coffee.width, height: coffee.height, b64: coffee.data.toString('base64') }, gif: { width: gif.width, height: gif.height, b64: gif.data.toString('base64') }, types: TYPES, needs: NEEDS },
    );
    const maxDiff = (a, b) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
    const want = reference['coffee.png'];
    const base = out.results.ImageData;
    assert.ok(base && !base.error, `ImageData: ${base?.error}`);
    // the reference itself: the top-1, and timm's probabilities to float rounding
    assert.equal(base.top, want.top5[0][0]);
    const vsTimm = maxDiff(base.probs, want.probs);
    const lines = [`ImageData: top-1 ${base.top}, max |p - timm| ${vsTimm.toExponential(1)}`];
    const diffs = {};
    // in the order built (WebKitWebDriver returns an object's keys in an order of its own)
    for (const type of [...TYPES, 'WebP Blob', 'GIF Blob']) {
      const r = out.results[type] ?? out.files[type];
      if (type === 'ImageData' || !r) continue;
      if (r.error) {
        lines.push(`${type}: ${r.error}`);
        continue;
      }
      const ref = type === 'GIF Blob' ? out.gifPixels.probs : base.probs;
      diffs[type] = maxDiff(r.probs, ref);
      lines.push(`${type}: top-1 ${r.top}, max |p - p(${type === 'GIF Blob' ? "PIL's GIF pixels" : 'ImageData'})| ${diffs[type]}`);
    }
    console.log(`${engine} (${out.backend.build}): sources lacking: ${out.absent.join(', ') || 'none'}\n  ${lines.join('\n  ')}`);
    assert.ok(vsTimm < 1e-5, `ImageData against timm: ${vsTimm}`);
    assert.deepEqual(out.absent.sort(), ABSENT[engine], 'the source types this engine lacks');
    for (const type of [...TYPES.filter((t) => !out.absent.includes(t)), 'WebP Blob', 'GIF Blob']) {
      const r = out.results[type] ?? out.files[type];
      assert.ok(r, `${type}: classified`);
      assert.ok(!r.error, `${type}: ${r.error}`);
      // the same pixels through the same classifier: the same probabilities, bit for bit
      assert.equal(diffs[type] ?? 0, 0, `${type}: probabilities differ from the ImageData's by up to ${diffs[type]}`);
      assert.equal(r.top, want.top5[0][0], type);
    }
    await done(page);
  });

  test(`${engine}: a source that is no image is a BAD_IMAGE saying what was wrong`, async () => {
    const page = await harness();
    const out = await page.evaluate(async () => {
      const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
      const err = (e) => ({ code: e.code, message: e.message, typed: e instanceof effnet.EffnetError });
      const broken = new Image();
      broken.src = URL.createObjectURL(new Blob(['not an image'], { type: 'image/png' }));
      await broken.decode().catch(() => {});
      const closed = await createImageBitmap(new ImageData(2, 2));
      closed.close();
      const sources = {
        'a number': 42,
        'a string': '/fixtures/coffee.png',
        'an object without pixels': {},
        'no source': undefined,
        '{data} too short': { data: new Uint8ClampedArray(12), width: 2, height: 2 },
        '{data} of no pixels': { data: new Uint8ClampedArray(0), width: 0, height: 0 },
        '{data} with a fractional width': { data: new Uint8ClampedArray(16), width: 2.5, height: 2 },
        '{data} without data': { data: null, width: 2, height: 2 },
        'a PNG file\'s bytes': new Uint8Array(await (await fixture('coffee.png')).arrayBuffer()),
        'a broken <img>': broken,
        'a 0x0 canvas': Object.assign(document.createElement('canvas'), { width: 0, height: 0 }),
        'a closed ImageBitmap': closed,
      };
      const res = {};
      for (const [what, source] of Object.entries(sources)) res[what] = await clf.classify(source).then(() => 'classified', err);
      const good = (await clf.classify(await fixture('coffee.png'))).categories[0].label;
      clf.dispose();
      URL.revokeObjectURL(broken.src);
      return { res, good };
    });
    console.log(`${engine}: bad sources: ${Object.entries(out.res).map(([w, r]) => `${w}: ${r.code ?? r} ${r.message ?? ''}`).join('; ')}`);
    const messages = {
      'a number': /^unsupported image source \[object Number\]: expected an HTMLImageElement, .*, Blob\/File or \{ data, width, height \} RGBA$/,
      'a string': /^unsupported image source \[object String\]: expected /,
      'an object without pixels': /^unsupported image source \[object Object\]: expected /,
      'no source': /^no image given$/,
      '{data} too short': /the pixel buffer has 12 bytes, RGBA needs 16/,
      '{data} of no pixels': /the image is empty/,
      '{data} with a fractional width': /^\{ data, width, height \}: width and height must be whole numbers, got 2\.5 x 2$/,
      '{data} without data': /^\{ data, width, height \}: data must hold the RGBA bytes, got null$/,
      'a PNG file\'s bytes': /^unsupported image source \[object Uint8Array\] \(a file's bytes: pass them as a Blob\): expected /,
      'a broken <img>': /^cannot read pixels from the HTMLImageElement: /,
      'a 0x0 canvas': /^cannot read pixels from the HTMLCanvasElement: /,
      'a closed ImageBitmap': /^cannot read pixels from the ImageBitmap: /,
    };
    // (WebKitWebDriver returns an object's keys in an order of its own)
    assert.deepEqual(Object.keys(out.res).sort(), Object.keys(messages).sort());
    for (const [what, r] of Object.entries(out.res)) {
      assert.equal(r.code, 'BAD_IMAGE', `${what}: ${JSON.stringify(r)}`);
      assert.ok(r.typed, `${what}: an EffnetError`);
      assert.match(r.message, messages[what], what);
    }
    assert.equal(out.good, 'espresso', 'the next image still classified');
    await done(page);
  });
}
