// What only Chromium (or only its driver, playwright-core) can show, on the harness page; what
// every engine must do is the engine suite's (tests/engines/suite.mjs, run in chromium by
// tests/engines/chromium.test.mjs): all four wasm builds chosen and agreeing (only Debian's
// chromium has both threads and relaxed SIMD here), a worker crashed from inside (the driver
// reaches the page's workers), and the driver's own request log, which also sees requests to
// other origins. Needs `npx webpack --env out=dist-test` first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { harnessInChromium } from './harness-chromium.mjs';

const reference = JSON.parse(await readFile(new URL('../fixtures/reference.json', import.meta.url), 'utf8'))['efficientnet-lite0'].images;
const h = harnessInChromium({ plain: true });

test('all four wasm builds: relaxed SIMD chosen where chromium has it, each gives the same answer', async () => {
  const page = await h.open();
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

// More threads than the machine has cores (2 here, 1 when pinned): the kernels' 3- to 8-way
// splits of each layer (crate/src/kernels), which 'auto' never picks on CI's machines, must
// give the single thread's answer on every photo.
test('threads 3, 4 and 8: the same probabilities as one thread for every fixture photo', async () => {
  const page = await h.open();
  const out = await page.evaluate(async (photos) => {
    const runs = [];
    for (const threads of [1, 3, 4, 8]) {
      const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0', threads, relaxedSimd: false });
      const scores = {};
      for (const name of photos) scores[name] = Array.from((await clf.classify(await fixture(name), { withProbabilities: true })).probabilities);
      runs.push({ threads, backend: clf.backend, scores });
      clf.dispose();
    }
    return { runs, cores: navigator.hardwareConcurrency };
  }, Object.keys(reference));
  const [one, ...more] = out.runs;
  for (const r of more) {
    assert.equal(r.backend.threads, r.threads, 'an explicit count is the caller\'s, above the cores too');
    assert.equal(r.backend.build, 'simd-threads');
    for (const name of Object.keys(reference)) {
      const diff = Math.max(...r.scores[name].map((s, i) => Math.abs(s - one.scores[name][i])));
      console.log(`${r.threads} threads (${out.cores} cores claimed) ${name}: max |p - p(1 thread)| ${diff.toExponential(1)}`);
      assert.ok(diff <= 1e-6, `${r.threads} threads, ${name}: ${diff}`);
      const top = r.scores[name].indexOf(Math.max(...r.scores[name]));
      assert.equal(top, reference[name].top5[0][0], `${r.threads} threads, ${name}: top-1`);
    }
  }
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
  const page = await h.open();
  await page.evaluate(async () => {
    window.clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
  });
  // a real uncaught error in the worker, thrown from its next message event: comlink's listener,
  // registered first, has started the classify call by then, and the error ends the worker
  const worker = await classifierWorker(page);
  h.browser.causeRestarts(1);
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
  assert.equal(out.first.ok, reference['astronaut.png'].top5[0][1]);
  assert.equal(out.restarts.length, 1);
  assert.match(out.restarts[0].reason, /the classifier worker stopped: .*boom/);
  assert.deepEqual([out.restarts[0].during, out.restarts[0].retried], ['call', true]);
  assert.equal(out.second, 'espresso');
  assert.equal(out.disposed, 'DISPOSED');
  await page.close();
});

test('one classifier on a page without cross-origin isolation, then privacy: every request the browser made stayed on the page origin and none carried a body', async () => {
  // a page of each server, so the browser's log covers both origins
  const page = await h.open(h.plain);
  const top = await page.evaluate(async () => {
    const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0', cache: false });
    const r = await clf.classify(await fixture('chelsea.png'));
    clf.dispose();
    return r.categories[0].index;
  });
  assert.equal(top, reference['chelsea.png'].top5[0][0]);
  await page.close();
  const { requests } = h;
  assert.ok(requests.length > 10, `${requests.length} requests logged`);
  const origins = [h.isolated.url, h.plain.url];
  const foreign = requests.filter((r) => !origins.some((o) => r.url.startsWith(o + '/')));
  assert.deepEqual(foreign.map((r) => r.url), []);
  const withBody = requests.filter((r) => r.method !== 'GET' || (r.body && r.body.length));
  assert.deepEqual(withBody.map((r) => `${r.method} ${r.url}`), []);
});
