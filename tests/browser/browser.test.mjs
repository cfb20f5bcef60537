// The library in headless chromium: the harness bundle (webpack) served with and without
// cross-origin isolation. Needs `npm run build:test` first (npm test does it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { serve } from '../../www/serve.mjs';
import { launch, recordRequests } from '../../tools/chromium.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const reference = JSON.parse(await readFile(new URL('../fixtures/reference.json', import.meta.url), 'utf8'));
const PHOTOS = Object.keys(reference['efficientnet-lite0'].images);
const mounts = { '/': `${repo}/dist-test`, '/fixtures/': `${repo}/tests/fixtures` };

let isolated, plain, browser, requests;
before(async () => {
  isolated = await serve({ port: 0, mounts });
  plain = await serve({ port: 0, mounts, isolation: false });
  browser = await launch();
  requests = recordRequests(browser.context);
});
after(async () => {
  await browser?.close();
  isolated?.close();
  plain?.close();
});

async function open(server) {
  const page = await browser.context.newPage();
  page.on('console', (m) => m.type() === 'error' && console.log(`[page] ${m.text()}`));
  await page.goto(`${server.url}/harness.html`);
  await page.waitForFunction(() => window.ready === true);
  return page;
}

const modelRequests = () => requests.filter((r) => r.url.endsWith('.onnx')).length;

test('isolated: 2 threads, every fixture photo gets the reference top-1, then no model request on re-create', async () => {
  const page = await open(isolated);
  await page.evaluate(() => effnet.ModelCache.clear());
  const before = modelRequests();
  const out = await page.evaluate(async (photos) => {
    const phases = new Set();
    const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0', onProgress: (e) => phases.add(e.phase) });
    const results = {};
    for (const name of photos) {
      const r = await clf.classify(await fixture(name));
      results[name] = { top: r.categories[0], timing: r.timing };
    }
    const caps = await effnet.capabilities();
    const backend = clf.backend;
    clf.dispose();
    return { results, backend, caps, phases: [...phases], cached: await effnet.ModelCache.list() };
  }, Object.keys(reference['efficientnet-lite0'].images));
  console.log('backend', out.backend, 'capabilities', out.caps);
  assert.equal(out.backend.threads, 2);
  assert.equal(out.caps.crossOriginIsolated, true);
  assert.deepEqual(out.phases, ['download', 'compile', 'ready']);
  for (const [name, r] of Object.entries(out.results)) {
    const [index, label] = reference['efficientnet-lite0'].images[name].top5[0];
    console.log(`${name}: ${r.top.label} ${r.top.score.toFixed(4)}; inference ${r.timing.inferenceMs.toFixed(1)} ms`);
    assert.equal(r.top.index, index, `${name}: ${r.top.label} vs ${label}`);
  }
  assert.equal(modelRequests() - before, 1, 'one download');
  assert.equal(out.cached.length, 1);
  assert.equal(out.cached[0].id, 'efficientnet-lite0');

  // a new page, a new create: from IndexedDB, no request
  const page2 = await open(isolated);
  const again = await page2.evaluate(async () => {
    const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
    const r = await clf.classify(await fixture('coffee.png'));
    clf.dispose();
    return { label: r.categories[0].label, load: clf.load };
  });
  assert.equal(again.label, 'espresso');
  assert.equal(again.load.cached, true);
  assert.equal(modelRequests() - before, 1, 'no second download');
  await page.close();
  await page2.close();
});

test('concurrent classify calls each get their own image\'s answer', async () => {
  const page = await open(isolated);
  const out = await page.evaluate(async (photos) => {
    const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
    const blobs = await Promise.all(photos.map((p) => fixture(p)));
    // all at once, twice over, interleaved with a failing one
    const calls = [...blobs, new Blob(['nope']), ...blobs].map((b) => clf.classify(b, { maxResults: 1 }).then(
      (r) => r.categories[0].index,
      (e) => e.code,
    ));
    const got = await Promise.all(calls);
    clf.dispose();
    return got;
  }, PHOTOS);
  const want = PHOTOS.map((p) => reference['efficientnet-lite0'].images[p].top5[0][0]);
  assert.deepEqual(out, [...want, 'BAD_IMAGE', ...want]);
  await page.close();
});

test('not isolated: falls back to 1 thread and still classifies', async () => {
  const page = await open(plain);
  const out = await page.evaluate(async () => {
    const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0', cache: false });
    const r = await clf.classify(await fixture('chelsea.png'));
    clf.dispose();
    return { backend: r.backend, top: r.categories[0], caps: await effnet.capabilities() };
  });
  assert.equal(out.caps.crossOriginIsolated, false);
  assert.equal(out.backend.threads, 1);
  assert.equal(out.top.index, reference['efficientnet-lite0'].images['chelsea.png'].top5[0][0]);
  await page.close();
});

test('all four wasm builds: relaxed SIMD chosen where chromium has it, each gives the same answer', async () => {
  const page = await open(isolated);
  const out = await page.evaluate(async () => {
    const runs = [];
    for (const threads of [1, 2]) {
      for (const relaxedSimd of [true, false]) {
        const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0', threads, relaxedSimd });
        // the probability vector, transferred from the worker as a Float32Array
        const r = await clf.classify(await fixture('coffee.png'), { maxResults: 1, withProbabilities: true });
        clf.dispose();
        const scores = Array.from(r.probabilities);
        const argmax = scores.indexOf(Math.max(...scores));
        runs.push({ backend: r.backend, top: r.categories[0].label, float32: r.probabilities instanceof Float32Array, argmaxIsTop: argmax === r.categories[0].index, scores });
      }
    }
    return { runs, caps: await effnet.capabilities() };
  });
  // Debian's chromium has relaxed SIMD: the default picks the relaxed builds
  assert.equal(out.caps.relaxedSimd, true);
  assert.deepEqual(
    out.runs.map((r) => [r.backend.build, r.backend.threads, r.backend.relaxedSimd]),
    [['simd-relaxed', 1, true], ['simd', 1, false], ['simd-threads-relaxed', 2, true], ['simd-threads', 2, false]],
  );
  const base = out.runs[1].scores;
  for (const r of out.runs) {
    assert.equal(r.top, 'espresso', r.backend.build);
    assert.ok(r.float32 && r.argmaxIsTop, r.backend.build);
    assert.equal(r.scores.length, 1000);
    // fused multiply-adds round differently, nothing more
    const diff = Math.max(...r.scores.map((s, i) => Math.abs(s - base[i])));
    console.log(`${r.backend.build}: max |p - p(simd)| ${diff.toExponential(1)}`);
    assert.ok(diff < 1e-4, `${r.backend.build}: ${diff}`);
  }
  await page.close();
});

test('a corrupted IndexedDB entry is deleted and fetched again', async () => {
  const page = await open(isolated);
  await page.evaluate(async () => {
    const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
    clf.dispose();
  });
  await page.evaluate(
    () =>
      new Promise((ok, fail) => {
        const req = indexedDB.open('effnet-wasm');
        req.onerror = () => fail(req.error);
        req.onsuccess = () => {
          const tx = req.result.transaction('blobs', 'readwrite');
          const store = tx.objectStore('blobs');
          const get = store.get('efficientnet-lite0');
          get.onsuccess = () => {
            const bytes = new Uint8Array(get.result.slice(0));
            bytes[bytes.length >> 1] ^= 0xff; // one flipped byte, same length
            store.put(bytes.buffer, 'efficientnet-lite0');
          };
          tx.oncomplete = () => ok();
          tx.onerror = () => fail(tx.error);
        };
      }),
  );
  const before = modelRequests();
  const out = await page.evaluate(async () => {
    const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
    const r = await clf.classify(await fixture('coffee.png'));
    clf.dispose();
    return { label: r.categories[0].label, load: clf.load };
  });
  assert.equal(out.label, 'espresso');
  assert.equal(out.load.cached, false);
  assert.equal(modelRequests() - before, 1, 're-fetched once');
  await page.close();
});

/** The classifier's worker (named so by the library; the thread pool's workers are not). */
async function classifierWorker(page) {
  for (let tries = 0; tries < 50; tries++) {
    for (const w of page.workers()) if ((await w.evaluate(() => self.name).catch(() => null)) === 'effnet-wasm') return w;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no effnet-wasm worker in the page');
}

test('a worker that crashes mid-call is replaced and the call runs again in the fresh one; the crash is recorded', async () => {
  const page = await open(isolated);
  await page.evaluate(async () => {
    window.clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
  });
  // a real uncaught error in the worker, thrown from its next message event: comlink's listener,
  // registered first, has started the classify call by then, and the error ends the worker
  const worker = await classifierWorker(page);
  await worker.evaluate(() => self.addEventListener('message', () => {
    throw new Error('boom');
  }, { once: true }));
  const out = await page.evaluate(async () => {
    const first = await clf.classify(await fixture('astronaut.png')).then(
      (r) => ({ ok: r.categories[0].label }),
      (e) => ({ code: e.code, message: e.message }),
    );
    const second = await clf.classify(await fixture('coffee.png'));
    const restarts = clf.restarts;
    clf.dispose();
    const disposed = await clf.classify(await fixture('coffee.png')).catch((e) => e.code);
    return { first, second: second.categories[0].label, restarts, disposed };
  });
  console.log(out);
  // the crashed call answered by the fresh worker, with the photo's reference top-1
  assert.equal(out.first.ok, reference['efficientnet-lite0'].images['astronaut.png'].top5[0][1]);
  assert.equal(out.restarts.length, 1);
  assert.match(out.restarts[0].reason, /the classifier worker stopped: .*boom/);
  assert.deepEqual([out.restarts[0].during, out.restarts[0].retried], ['call', true]);
  assert.equal(out.second, 'espresso');
  assert.equal(out.disposed, 'DISPOSED');
  await page.close();
});

test('bad images and unknown models are typed errors; a failed download names the URL', async () => {
  const page = await open(isolated);
  const out = await page.evaluate(async () => {
    const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
    const text = new File(['This is a text file with a .jpg name.\n'], 'notes.jpg', { type: 'image/jpeg' });
    const bad = await clf.classify(text).catch((e) => ({ code: e.code, message: e.message }));
    // chromium rejects these itself, but only as "could not be decoded"; Firefox and WebKit
    // would decode them without an error (crate/src/decode/complete.rs)
    const truncated = [];
    for (const name of ['truncated.jpg', 'truncated.png']) {
      const file = new File([await fixture(`odd/${name}`)], name, { type: name.endsWith('png') ? 'image/png' : 'image/jpeg' });
      truncated.push(await clf.classify(file).then(() => 'classified', (e) => ({ code: e.code, message: e.message })));
    }
    const good = (await clf.classify(await fixture('coffee.png'))).categories[0].label;
    clf.dispose();
    const unknown = await effnet.ImageClassifier.create({ model: 'nope' }).catch((e) => e.code);
    const lite0 = effnet.models.find((m) => m.id === 'efficientnet-lite0');
    const missing = await effnet.ImageClassifier.create({ model: { ...lite0, id: 'gone', url: '/models/gone.onnx' }, cache: false })
      .catch((e) => ({ code: e.code, message: e.message }));
    return { bad, truncated, good, unknown, missing };
  });
  assert.equal(out.bad.code, 'BAD_IMAGE');
  assert.match(out.bad.message, /notes\.jpg/);
  console.log(out.truncated);
  assert.deepEqual(out.truncated.map((t) => t.code), ['BAD_IMAGE', 'BAD_IMAGE']);
  assert.match(out.truncated[0].message, /^truncated\.jpg: the JPEG file is truncated/);
  assert.match(out.truncated[1].message, /^truncated\.png: the PNG file is truncated/);
  assert.equal(out.good, 'espresso');
  assert.equal(out.unknown, 'MODEL_NOT_FOUND');
  assert.equal(out.missing.code, 'MODEL_FETCH');
  assert.match(out.missing.message, /\/models\/gone\.onnx.*404/);
  await page.close();
});

test('privacy: every request stayed on the page origin and none carried a body', () => {
  assert.ok(requests.length > 10, `${requests.length} requests logged`);
  const origins = new Set([isolated.url, plain.url]);
  const foreign = requests.filter((r) => ![...origins].some((o) => r.url.startsWith(o + '/')));
  assert.deepEqual(foreign.map((r) => r.url), []);
  const withBody = requests.filter((r) => r.method !== 'GET' || (r.body && r.body.length));
  assert.deepEqual(withBody.map((r) => `${r.method} ${r.url}`), []);
});
