// The same checks in every browser engine (tests/engines/<engine>.test.mjs each call
// engineSuite), through the engine-neutral driver tools/browsers.mjs: the library's API on real
// photos, concurrent calls, the cache on a new page and a corrupted cache entry, typed errors, a
// real trap replacing the worker, fresh instances without traps, decoded pixels against PIL, every
// source type the README lists giving the same probabilities for the same pixels (sources.mjs), the
// demo and the tagger end to end, both pages offline after one visit, embeddings against timm,
// the fast JPEG decode against PIL's draft, the demo's webcam on the driver's fake camera, and
// the request log: the servers' in every engine, the browser's own where the driver reports
// it (Chromium, Firefox over WebDriver BiDi). Every page is served with
// tools/page-hooks.js, and every test fails on an uncaught error or unhandled rejection in its
// pages. What only Chromium's driver can check is tests/browser/chromium-only.test.mjs.
// Needs `npm run build:test`.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../www/serve.mjs';
import { hooks, launchBrowser, missing } from '../../tools/browsers.mjs';
import { stress } from '../../tools/stress-engines.mjs';
import { webcamFrames } from '../browser/demo-page.mjs';
import { sourcesTests } from './sources.mjs';
import { heicSuite } from './heic.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = `${repo}/tests/fixtures`;
const artifacts = `${repo}/tests/artifacts`;
const venv = process.env.EFFNET_VENV || join(repo, '.venv');
const reference = JSON.parse(await readFile(`${fixtures}/reference.json`, 'utf8'))['efficientnet-lite0'].images;
const PHOTOS = Object.keys(reference);
const mounts = { '/': `${repo}/dist-test`, '/fixtures/': `${repo}/tests/fixtures` };
const timm = JSON.parse(await readFile(`${fixtures}/embeddings/reference.json`, 'utf8'))['efficientnet-lite0'];
const draft = JSON.parse(await readFile(`${fixtures}/jpeg/draft/draft.json`, 'utf8'));

/**
 * What each engine gets: its wasm build family and whether it has threads.
 * @typedef {{threads: boolean, relaxedSimd: boolean, threadsReason?: RegExp, stressInstances: number,
 *   idbRefusesBlobs: boolean, networkLog: string|true}} Expect
 *   idbRefusesBlobs: IndexedDB refuses Blob values by itself (WebKit's in-memory databases);
 *   networkLog: true where the driver reports the browser's own requests (browser.requests),
 *   else why not (the privacy check on that log is then skipped, saying so);
 */

/** PIL's RGBA pixels of a fixture (the reference every engine is held to). */
function pilPixels(name) {
  const script = 'import sys,base64;from PIL import Image;im=Image.open(sys.argv[1]).convert("RGBA");print(im.size[0],im.size[1],base64.b64encode(im.tobytes()).decode())';
  const r = spawnSync(join(venv, 'bin/python'), ['-c', script, `${fixtures}/${name}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `PIL failed on ${name}: ${r.error ?? r.stderr}`);
  const [w, h, b64] = r.stdout.trim().split(' ');
  return { width: Number(w), height: Number(h), data: Buffer.from(b64, 'base64') };
}

/**
 * @param {'chromium'|'firefox'|'webkit'} engine
 * @param {Expect} expect
 */
export function engineSuite(engine, expect) {
  const s = { browser: null, isolated: null, plain: null, other: null, log: [], otherLog: [], work: null, offline: [] };
  const pages = [];

  before(async () => {
    // a missing browser fails here, naming the package: never a silent skip
    const why = missing(engine);
    assert.equal(why, null, why);
    await mkdir(artifacts, { recursive: true });
    s.work = await mkdtemp(join(tmpdir(), `effnet-${engine}-`));
    const log = (_, r) => s.log.push(r);
    s.isolated = await serve({ port: 0, mounts, inject: hooks, log });
    s.plain = await serve({ port: 0, mounts, inject: hooks, isolation: false, log });
    s.other = await serve({ port: 0, mounts, log: (l) => s.otherLog.push(l) });
    // every driver offers a fake camera (the demo's webcam test)
    s.browser = await launchBrowser(engine, { fakeCamera: true });
    console.log(`${engine}: ${s.browser.version}`);
    assert.equal(s.browser.requests !== null, expect.networkLog === true, `the driver's request log: ${expect.networkLog}`);
  });
  after(async () => {
    await s.browser?.close();
    for (const server of [s.isolated, s.plain, s.other, ...s.offline]) server?.close();
    if (s.work) await rm(s.work, { recursive: true, force: true });
  });

  // a page a failed test left open is closed after it (WebKit's next page would otherwise need
  // a second window beside it)
  afterEach(async () => {
    for (const page of pages.splice(0)) if (!page.closed) await page.close().catch(() => {});
  });

  /** A page at `path`; `done()` at the end of a test asserts it had no page error and closes it. */
  async function open(server, path, { ready } = {}) {
    const page = await s.browser.newPage();
    const close = page.close.bind(page);
    page.close = () => {
      page.closed = true;
      return close();
    };
    pages.push(page);
    await page.goto(`${server.url}${path}`);
    if (ready) await page.waitForFunction(ready, null, { timeout: 120_000 });
    return page;
  }
  const harness = (server = s.isolated) => open(server, '/harness.html', { ready: () => window.ready === true });
  // the demo has chosen its engine (the backend line is filled in)
  const demoReady = () => (document.querySelector('#backend')?.textContent ?? '') !== '';
  const taggerReady = () => document.body?.dataset.model === 'ready';
  async function done(page) {
    assert.deepEqual(await page.errors(), [], 'no uncaught error or unhandled rejection in the page');
    await page.close();
  }
  const modelRequests = () => s.log.filter((r) => r.url.endsWith('.onnx')).length;

  /** A classifier created on `page`, its top label for coffee.png and its `load` (where the model came from). */
  const classifyCoffee = (page) =>
    page.evaluate(async () => {
      const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
      const r = await clf.classify(await fixture('coffee.png'));
      clf.dispose();
      return { label: r.categories[0].label, load: clf.load };
    });

  function checkBackend(backend, caps) {
    console.log(`${engine}: backend ${JSON.stringify(backend)}, hardwareConcurrency ${caps.hardwareConcurrency}`);
    assert.equal(backend.simd, true);
    assert.equal(backend.relaxedSimd, expect.relaxedSimd);
    if (expect.threads) {
      // measured only when the engine claims more than two (worker/runtime.js), never below two
      if (caps.hardwareConcurrency > 2) assert.ok(backend.cores >= 1 && backend.cores <= caps.hardwareConcurrency, `cores ${backend.cores}`);
      else assert.equal(backend.cores, null);
      assert.equal(backend.threads, Math.min(Math.max(backend.cores ?? 8, 2), caps.hardwareConcurrency, 8));
      assert.equal(backend.build, `simd${backend.threads > 1 ? '-threads' : ''}${expect.relaxedSimd ? '-relaxed' : ''}`);
      if (backend.threads < caps.hardwareConcurrency) assert.match(backend.threadsReason, /cores? measured/);
    } else {
      assert.equal(backend.threads, 1);
      assert.equal(backend.build, expect.relaxedSimd ? 'simd-relaxed' : 'simd');
      assert.match(backend.threadsReason, expect.threadsReason);
    }
  }

  test(`${engine}: every fixture photo gets the reference top-1; a new page loads the model from the cache`, async () => {
    const page = await harness();
    await page.evaluate(() => effnet.ModelCache.clear());
    const before = modelRequests();
    const out = await page.evaluate(async (photos) => {
      const phases = new Set();
      const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0', onProgress: (e) => phases.add(e.phase) });
      const results = {};
      for (const name of photos) {
        const r = await clf.classify(await fixture(name));
        results[name] = { index: r.categories[0].index, label: r.categories[0].label, score: r.categories[0].score, ms: r.timing.inferenceMs };
      }
      const backend = clf.backend;
      clf.dispose();
      return { results, backend, caps: await effnet.capabilities(), phases: [...phases], cached: (await effnet.ModelCache.list()).map((c) => c.id) };
    }, PHOTOS);
    checkBackend(out.backend, out.caps);
    // served with COOP and COEP: isolated wherever threads are expected (WebKit has no threads either way)
    if (expect.threads) assert.equal(out.caps.crossOriginIsolated, true);
    assert.deepEqual(out.phases, ['download', 'compile', 'ready']);
    for (const name of PHOTOS) {
      const r = out.results[name];
      console.log(`${engine}: ${name}: ${r.label} ${r.score.toFixed(4)}; inference ${r.ms.toFixed(1)} ms`);
      assert.equal(r.index, reference[name].top5[0][0], `${name}: ${r.label}`);
    }
    assert.equal(modelRequests() - before, 1, 'one download');
    assert.deepEqual(out.cached, ['efficientnet-lite0']);
    await done(page);

    const again = await harness();
    const r = await classifyCoffee(again);
    assert.equal(r.label, 'espresso');
    assert.equal(r.load.cached, true);
    assert.equal(modelRequests() - before, 1, 'no second download');
    await done(again);
  });

  test(`${engine}: concurrent classify calls each get their own image's answer`, async () => {
    const page = await harness();
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
    const want = PHOTOS.map((p) => reference[p].top5[0][0]);
    assert.deepEqual(out, [...want, 'BAD_IMAGE', ...want]);
    await done(page);
  });

  test(`${engine}: a corrupted model in IndexedDB is deleted and fetched again`, async () => {
    const page = await harness();
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
            tx.oncomplete = () => {
              req.result.close();
              ok();
            };
            tx.onerror = () => fail(tx.error);
          };
        }),
    );
    const before = modelRequests();
    const out = await classifyCoffee(page);
    assert.equal(out.label, 'espresso');
    assert.equal(out.load.cached, false);
    assert.equal(modelRequests() - before, 1, 're-fetched once');
    await done(page);
  });

  test(`${engine}: bad images, unknown models and failed downloads are typed errors`, async () => {
    const page = await harness();
    const out = await page.evaluate(async () => {
      const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
      const err = (e) => ({ code: e.code, message: e.message, typed: e instanceof effnet.EffnetError });
      const text = new File(['This is a text file with a .jpg name.\n'], 'notes.jpg', { type: 'image/jpeg' });
      const bad = await clf.classify(text).then(() => 'classified', err);
      // Firefox and WebKit decode a cut-short file without an error: the library checks its end
      const truncated = [];
      for (const name of ['truncated.jpg', 'truncated.png']) {
        const file = new File([await fixture(`odd/${name}`)], name, { type: name.endsWith('png') ? 'image/png' : 'image/jpeg' });
        truncated.push(await clf.classify(file).then(() => 'classified', err));
      }
      const options = await clf.classify(await fixture('coffee.png'), { maxResults: 0.5 }).then(() => 'classified', err);
      const good = (await clf.classify(await fixture('coffee.png'))).categories[0].label;
      clf.dispose();
      const disposed = await clf.classify(await fixture('coffee.png')).then(() => 'classified', err);
      const unknown = await effnet.ImageClassifier.create({ model: 'nope' }).then(() => 'created', err);
      const lite0 = effnet.models.find((m) => m.id === 'efficientnet-lite0');
      const missing = await effnet.ImageClassifier.create({ model: { ...lite0, id: 'gone', url: '/models/gone.onnx' }, cache: false }).then(() => 'created', err);
      return { bad, truncated, options, good, disposed, unknown, missing };
    });
    console.log(`${engine}: ${JSON.stringify(out)}`);
    assert.ok([out.bad, ...out.truncated, out.options, out.disposed, out.unknown, out.missing].every((e) => e.typed), 'every error an EffnetError');
    assert.equal(out.bad.code, 'BAD_IMAGE');
    assert.match(out.bad.message, /notes\.jpg/);
    assert.deepEqual(out.truncated.map((t) => t.code), ['BAD_IMAGE', 'BAD_IMAGE']);
    assert.match(out.truncated[0].message, /^truncated\.jpg: the JPEG file is truncated/);
    assert.match(out.truncated[1].message, /^truncated\.png: the PNG file is truncated/);
    assert.equal(out.options.code, 'BAD_OPTIONS');
    assert.equal(out.good, 'espresso');
    assert.equal(out.disposed.code, 'DISPOSED');
    assert.equal(out.unknown.code, 'MODEL_NOT_FOUND');
    assert.equal(out.missing.code, 'MODEL_FETCH');
    assert.match(out.missing.message, /\/models\/gone\.onnx.*404/);
    await done(page);
  });

  test(`${engine}: a panic and a failed allocation in Rust replace the worker, saying so, and the call runs again in the fresh one; a repeated trap is a WORKER_CRASHED error`, async () => {
    const page = await harness();
    const out = await page.evaluate(async () => {
      const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
      const photo = await fixture('coffee.png');
      const runs = [];
      // the four traps below are this test's: any other restart is a page error (page-hooks.js)
      effnetTestCauseRestarts(4);
      const arm = (kind) => Comlink.wrap(effnetTestWorkers.at(-1)).armTrapForTests(kind);
      for (const kind of ['panic', 'oom']) {
        // the library's current worker, reached through comlink beside the library's own link
        await arm(kind);
        const [restarts, workers] = [clf.restarts.length, effnetTestWorkers.length];
        const label = (await clf.classify(photo)).categories[0].label;
        const fresh = clf.restarts.slice(restarts);
        // the armed trap is the call's; a fresh worker's own start trap would be apart
        runs.push({ kind, label, restart: fresh.find((r) => r.during === 'call'), starts: fresh.filter((r) => r.during === 'start'), newWorkers: effnetTestWorkers.length - workers });
      }
      // the retry's fresh worker armed as well, as soon as it exists: the trap repeats
      await arm('panic');
      const seen = effnetTestWorkers.length;
      const twice = clf.classify(photo);
      while (effnetTestWorkers.length === seen) await new Promise((r) => setTimeout(r, 5));
      await arm('panic').catch(() => {});
      const repeated = await twice.then(() => ({ code: 'classified' }), (e) => ({ code: e.code, message: e.message }));
      const after = (await clf.classify(photo)).categories[0].label;
      clf.dispose();
      return { runs, repeated, after, restarts: clf.restarts };
    });
    console.log(`${engine}: ${JSON.stringify(out)}`);
    const [panic, oom] = out.runs;
    assert.deepEqual([panic.label, oom.label], ['espresso', 'espresso'], 'each call answered, by a fresh worker');
    assert.match(panic.restart.reason, /engine trapped \(.+\): panicked at crate\/src\/wasm\/trap\.rs:\d+:\d+:\na panic armed by the tests$/);
    assert.match(oom.restart.reason, /engine trapped \(.+\): memory allocation of 1073741824 bytes failed \(wasm memory: \d+ MiB\)$/);
    assert.deepEqual([panic.restart.during, panic.restart.retried, oom.restart.retried], ['call', true, true]);
    // no fresh worker traps starting on its own (JavaScriptCore's trap, found and worked around:
    // tools/simd-mark.mjs)
    const starts = [...panic.starts, ...oom.starts];
    assert.deepEqual(starts, [], 'no fresh worker trapped starting');
    assert.deepEqual([panic.newWorkers - panic.starts.length, oom.newWorkers - oom.starts.length], [1, 1], 'one new worker per trap');
    // armed in the retry's worker too: the second trap is the caller's error, and the next call
    // has yet another worker
    assert.equal(out.repeated.code, 'WORKER_CRASHED', JSON.stringify(out.repeated));
    assert.match(out.repeated.message, /a panic armed by the tests$/);
    assert.equal(out.after, 'espresso');
    assert.deepEqual(out.restarts.filter((r) => r.during === 'call').map((r) => r.retried), [true, true, true, false]);
    assert.equal(out.restarts.length, 4 + starts.length, JSON.stringify(out.restarts));
    await done(page);
  });

  test(`${engine}: ${expect.stressInstances} fresh instances (worker, wasm, model from the cache, a photo): every photo classified, no trap, no restart`, async () => {
    const r = await stress(engine, expect.stressInstances, { perPage: expect.stressInstances });
    console.log(`${engine}: ${r.instances} instances in ${(r.ms / 1000).toFixed(1)} s: ${r.traps.length} traps, ${r.failures.length} other failures, ${r.hungStarts.length} hung starts replaced, ${r.slow.length} starts over 30 s`);
    assert.equal(r.instances, expect.stressInstances);
    // a restart the library recovered from is a defect all the same (docs/browsers.md)
    assert.deepEqual(r.hungStarts, []);
    assert.deepEqual(r.slow, [], 'no start took 30 s');
    assert.deepEqual(r.traps, []);
    assert.deepEqual(r.failures, []);
    assert.deepEqual(r.pageErrors, []);
  });

  test(`${engine}: not cross-origin isolated: one thread, and backend says why`, async () => {
    const page = await harness(s.plain);
    const out = await page.evaluate(async () => {
      const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0', cache: false });
      const r = await clf.classify(await fixture('chelsea.png'));
      clf.dispose();
      return { backend: r.backend, top: r.categories[0].index, isolated: (await effnet.capabilities()).crossOriginIsolated };
    });
    assert.equal(out.isolated, false);
    assert.equal(out.backend.threads, 1);
    assert.match(out.backend.threadsReason, /^not cross-origin isolated \(threads need the COOP and COEP headers\)$/);
    assert.equal(out.top, reference['chelsea.png'].top5[0][0]);
    await done(page);
  });

  test(`${engine}: decoded pixels equal PIL's: PNG, PNG with alpha, grayscale PNG, JPEG (4:2:0, 4:4:4, progressive)`, async () => {
    const page = await harness();
    const names = ['coffee.png', 'odd/rgba.png', 'odd/gray.png', 'jpeg/chelsea-420.jpg', 'jpeg/chelsea-444.jpg', 'jpeg/chelsea-420-progressive.jpg', 'rocket.jpg'];
    await page.evaluate(async () => {
      window.clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0' });
    });
    const report = [];
    for (const name of names) {
      const got = await page.evaluate(async (name) => {
        const blob = await fixture(name);
        const px = await Comlink.wrap(effnetTestWorkers.at(-1)).pixelsForTests({ kind: 'blob', blob, name });
        return px;
      }, name);
      const want = pilPixels(name);
      assert.deepEqual([got.width, got.height], [want.width, want.height], name);
      let differing = 0;
      let max = 0;
      for (let i = 0; i < want.data.length; i++) {
        const d = Math.abs(got.data[i] - want.data[i]);
        if (d) differing++;
        if (d > max) max = d;
      }
      report.push({ name, differing, max, of: want.data.length });
    }
    await page.evaluate(() => window.clf.dispose());
    console.log(`${engine}: pixels against PIL: ${report.map((r) => `${r.name} ${r.differing}/${r.of} values differ (max ${r.max})`).join('; ')}`);
    // PNGs go through the crate's decoder in every engine: bit for bit
    for (const r of report.filter((r) => r.name.endsWith('.png'))) assert.equal(r.differing, 0, `${r.name}: ${r.differing} values differ`);
    // JPEGs are decoded by the engine (libjpeg-turbo in all three, as in PIL), an ICC profile
    // cut first (WebKit would apply it): bit for bit too (docs/exactness.md)
    for (const r of report.filter((r) => r.name.endsWith('.jpg'))) assert.equal(r.differing, 0, `${r.name}: ${r.differing} values differ, max ${r.max}`);
    await done(page);
  });

  // every source type the README lists, from the same pixels; bad sources (sources.mjs)
  sourcesTests(engine, { harness, done, pilPixels, reference });
  // HEIC photos through the module the page loads for them (its own browser and server)
  heicSuite(engine);

  test(`${engine}: embed is timm's pooled features within 1e-4, in the engine's own build and in single-threaded simd; withEmbedding is the same run's vector, the int8 one its rounding`, async () => {
    const page = await harness();
    const names = Object.keys(timm);
    const runs = await page.evaluate(async (names) => {
      const out = [];
      for (const create of [{}, { threads: 1, relaxedSimd: false }]) {
        const clf = await effnet.ImageClassifier.create({ model: 'efficientnet-lite0', ...create });
        const photos = {};
        for (const name of names) {
          const blob = await fixture(name);
          const raw = await clf.embed(blob, { l2Normalize: false });
          const unit = await clf.embed(blob);
          const both = await clf.classify(blob, { withEmbedding: true });
          const plain = await clf.classify(blob);
          const q = await clf.embed(blob, { quantize: true });
          photos[name] = {
            raw: Array.from(raw.embedding.floatEmbedding),
            isFloat32: raw.embedding.floatEmbedding instanceof Float32Array,
            unit: Array.from(unit.embedding.floatEmbedding),
            withEmbedding: Array.from(both.embedding.floatEmbedding),
            sameTop5: JSON.stringify(both.categories) === JSON.stringify(plain.categories),
            int8: q.embedding.quantizedEmbedding instanceof Int8Array ? Array.from(q.embedding.quantizedEmbedding) : null,
            cosine: effnet.cosineSimilarity(unit.embedding, q.embedding),
          };
        }
        out.push({ build: clf.backend.build, threads: clf.backend.threads, photos });
        clf.dispose();
      }
      return out;
    }, names);
    const maxAbsDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    assert.equal(runs[1].build, 'simd');
    for (const run of runs) {
      for (const name of names) {
        const p = run.photos[name];
        const diff = maxAbsDiff(p.raw, timm[name]);
        console.log(`${engine}: ${run.build} (${run.threads} threads) ${name}: max |e - e_timm| = ${diff.toExponential(2)}`);
        assert.equal(p.raw.length, timm[name].length);
        assert.ok(p.isFloat32, name);
        assert.ok(diff <= 1e-4, `${run.build} ${name}: max |e - e_timm| = ${diff}`);
        const norm = Math.sqrt(p.raw.reduce((t, x) => t + x * x, 0));
        assert.ok(maxAbsDiff(p.unit, p.raw.map((x) => x / norm)) < 1e-6, `${name}: embed() is the raw vector normalised`);
        assert.deepEqual(p.withEmbedding, p.unit, `${name}: classify's withEmbedding is the same run's vector`);
        assert.ok(p.sameTop5, `${name}: withEmbedding leaves the categories as they are`);
        assert.ok(p.int8 && p.int8.every((b, i) => Math.abs(b - p.unit[i] * 127) <= 0.5 + 1e-4), `${name}: the int8 embedding is the unit vector x 127, rounded`);
        assert.ok(p.cosine > 0.99, `${name}: cosine(float, int8) ${p.cosine}`);
      }
    }
    await done(page);
  });

  test(`${engine}: decode 'fast': Blob JPEGs go to the wasm's scaled decode and get the probabilities of PIL's draft reference; the exact decode does not`, async () => {
    const page = await harness();
    const out = await page.evaluate((names) => fastAndExact(names), Object.keys(draft));
    for (const [name, r] of Object.entries(out.res)) {
      const m = draft[name].models['efficientnet-lite0'];
      const diff = (p) => p.reduce((d, v, i) => Math.max(d, Math.abs(v - m.probs[i])), 0);
      console.log(`${engine}: ${out.backend.build}: ${name}: 1/${m.reduction}, max |p - p_draft| fast ${diff(r.fast).toExponential(1)}, exact ${diff(r.exact).toExponential(1)}`);
      assert.equal(r.top, m.top1, name);
      assert.ok(diff(r.fast) <= 1e-5, `${name}: fast ${diff(r.fast)}`);
      // the exact decode is the full image's: another input, unless PIL would not reduce
      if (m.reduction > 1) assert.ok(diff(r.exact) > 1e-4, `${name}: exact ${diff(r.exact)}`);
    }
    await done(page);
  });

  async function upload(page, selector, files) {
    await page.setInputFiles(selector, files.map((f) => (f.startsWith('/') ? f : `${fixtures}/${f}`)));
  }

  test(`${engine}: the demo: photos show their reference top-1, the model is cached on reload, a non-image is a readable error`, async () => {
    const page = await open(s.isolated, '/index.html', { ready: () => document.querySelector('#backend').textContent !== '' });
    const backendText = await page.textContent('#backend');
    console.log(`${engine}: ${backendText}`);
    if (expect.threads) assert.match(backendText, /\d threads?(, cross-origin isolated|, \d cores? measured)/);
    else assert.match(backendText, new RegExp(`1 thread, ${expect.threadsReason.source.replace(/^\^|\$$/g, '')}\.$`));
    await upload(page, '#files', PHOTOS);
    await page.waitForFunction((n) => document.querySelectorAll('.card:not([aria-busy])').length === n, PHOTOS.length, { timeout: 120_000 });
    const labels = await page.evaluate(() =>
      Object.fromEntries([...document.querySelectorAll('.card')].map((c) => [c.querySelector('h3').textContent, c.querySelector('.bar .label')?.textContent])),
    );
    for (const name of PHOTOS) assert.equal(labels[name], reference[name].top5[0][1], name);
    await page.screenshot(`${artifacts}/demo-${engine}.png`);
    const before = modelRequests();
    await page.reload();
    await page.waitForFunction(() => /cached/.test(document.querySelector('#model-info')?.textContent), null, { timeout: 60_000 });
    assert.match(await page.textContent('#model-info'), /✓ cached/);
    assert.equal(modelRequests(), before, 'no model request after reload');
    await upload(page, '#files', ['odd/not-an-image.jpg']);
    await page.waitForFunction(() => !document.querySelector('#error').hidden, null, { timeout: 60_000 });
    assert.match(await page.textContent('#error'), /not-an-image\.jpg.*not an image/);
    await done(page);
  });

  test(`${engine}: the demo's webcam on the driver's fake camera: frames classified back to back on one classifier, nothing downloaded again, the camera released on stop`, async () => {
    const page = await open(s.isolated, '/index.html', { ready: demoReady });
    // the page's classifier is up (its model loaded) before the camera starts
    await page.waitForFunction(() => /✓ cached/.test(document.querySelector('#model-info')?.textContent), null, { timeout: 60_000 });
    const [workers, requests] = [await page.evaluate(() => effnetTestWorkers.length), s.log.length];
    await page.click('#webcam');
    const webcamBars = () => [...document.querySelectorAll('.card')].find((c) => c.querySelector('h3')?.textContent === 'Webcam')?.querySelectorAll('.bar').length ?? 0;
    // the frame's bars, or the page's error (a camera that could not start)
    const barsOrError = () =>
      !document.querySelector('#error').hidden || ([...document.querySelectorAll('.card')].find((c) => c.querySelector('h3')?.textContent === 'Webcam')?.querySelectorAll('.bar').length ?? 0) > 0;
    await page.waitForFunction(barsOrError, null, { timeout: 60_000 });
    assert.equal(await page.evaluate(() => document.querySelector('#error').hidden), true, `the webcam: ${await page.textContent('#error')}`);
    assert.equal(await page.evaluate(webcamBars), 5, 'the top-5 of the frame');
    // frames shown in 5 s: each puts a new list of bars into the card
    const { frames, ms, tracks } = await page.evaluate(webcamFrames);
    console.log(`${engine}: webcam ${tracks.join(', ')}: ${((frames * 1000) / ms).toFixed(1)} frames per second over 5 s (the page shows ${await page.textContent('#fps')})`);
    // continuous, not stalled (a speed is a benchmark's to report): WebKit's one thread gave
    // 1.6 frames a second on the 2-core machine busy with other tests
    assert.ok(frames >= 3, `${frames} frames in 5 s`);
    assert.match(await page.textContent('#fps'), /frames per second/);
    assert.equal(await page.evaluate(() => effnetTestWorkers.length), workers, 'no worker started while the webcam ran: one classifier');
    assert.deepEqual(s.log.slice(requests).filter((r) => /\.(wasm|onnx)$/.test(r.url)).map((r) => r.url), [], 'nothing downloaded again');
    assert.equal(await page.evaluate(() => document.querySelector('#error').hidden), true, `no error: ${await page.textContent('#error')}`);
    await page.click('#webcam');
    const stopped = await page.waitForFunction(
      () => document.querySelector('#video').srcObject === null && document.querySelector('#fps').textContent === '' && window.cameraTracks.every((t) => t.readyState === 'ended'),
      null,
      { timeout: 5_000 },
    );
    assert.equal(stopped, true, 'the camera released: every track ended');
    await done(page);
  });

  // WebKit's in-memory IndexedDB refuses Blobs by itself; elsewhere #refuse-blobs (page-hooks.js) makes it
  for (const refuse of [false, true]) {
    test(`${engine}: the tagger tags real photos, finds the cat, keeps the library and its thumbnails across a reload${refuse ? ', with IndexedDB refusing Blobs' : ''}`, async () => {
      const dir = join(s.work, refuse ? 'refused' : 'photos');
      await mkdir(dir, { recursive: true });
      const files = [...PHOTOS, 'odd/rgba.png', 'odd/truncated.jpg'];
      for (const f of files) await copyFile(`${fixtures}/${f}`, join(dir, `${refuse ? 'r-' : ''}${f.replace('odd/', '')}`));
      const page = await open(s.isolated, `/tagger/${refuse ? '#refuse-blobs' : ''}`, { ready: () => document.body.dataset.model === 'ready' });
      await page.click('#clear');
      await page.waitForFunction(() => document.querySelectorAll('#grid .photo').length === 0);
      console.log(`${engine}: ${await page.textContent('#model-status')}`);
      await page.evaluate(() => delete document.body.dataset.state);
      await upload(page, '#files-input', files.map((f) => join(dir, `${refuse ? 'r-' : ''}${f.replace('odd/', '')}`)));
      await page.waitForFunction(() => ['done', 'failed'].includes(document.body.dataset.state), null, { timeout: 240_000 });
      const summary = await page.textContent('#summary');
      console.log(`${engine}: ${summary}`);
      // the truncated one fails with its reason
      assert.match(summary, /^Done: 5 new photos tagged, 1 failed in .*; 0 photos already tagged/);
      const failures = await page.evaluate(() => [...document.querySelectorAll('#failures li')].map((l) => l.textContent));
      assert.equal(failures.length, 1);
      assert.match(failures[0], /truncated\.jpg: the JPEG file is truncated/);
      assert.equal(await page.evaluate(() => document.querySelector('#warning').hidden), true, `no storage warning: ${await page.textContent('#warning')}`);
      await page.evaluate(() => {
        const box = document.querySelector('#search');
        box.value = 'cat';
        box.dispatchEvent(new Event('input', { bubbles: true }));
      });
      const cats = await page.evaluate(() => [...document.querySelectorAll('#grid .photo')].map((b) => b.dataset.path));
      assert.ok(cats.includes(`${refuse ? 'r-' : ''}chelsea.png`), cats.join(', '));
      assert.ok(!cats.some((p) => /coffee|rocket|astronaut/.test(p)), cats.join(', '));

      await page.reload();
      await page.waitForFunction(() => document.body.dataset.library === '6', null, { timeout: 60_000 });
      // every card's thumbnail, from the stored record (a Blob, or its bytes where Blobs are refused)
      await page.waitForFunction(
        async () => {
          for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight / 2) {
            window.scrollTo(0, y);
            await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          }
          const imgs = [...document.querySelectorAll('#grid img')];
          return imgs.length === 5 && imgs.every((i) => i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0);
        },
        null,
        { timeout: 30_000 },
      );
      const stored = await page.evaluate(
        () =>
          new Promise((ok, fail) => {
            const req = indexedDB.open('effnet-tagger');
            req.onerror = () => fail(req.error);
            req.onsuccess = () => {
              const get = req.result.transaction('results').objectStore('results').getAll();
              get.onsuccess = () => {
                req.result.close();
                ok(get.result.filter((r) => !r.error).map((r) => (r.thumb instanceof Blob ? 'Blob' : r.thumbBytes instanceof ArrayBuffer ? 'ArrayBuffer' : 'none')));
              };
            };
          }),
      );
      console.log(`${engine}: thumbnails stored as ${[...new Set(stored)].join(', ')}`);
      assert.equal(stored.length, 5);
      const want = refuse || expect.idbRefusesBlobs ? 'ArrayBuffer' : 'Blob';
      assert.deepEqual(stored, stored.map(() => want));
      await page.screenshot(`${artifacts}/tagger-${engine}${refuse ? '-bytes' : ''}.png`);
      await done(page);
    });
  }

  /**
   * A server of its own (its own origin: its own service worker, caches and model cache) that
   * `refuse()` turns away from the network: every connection dropped, every request after it
   * refused, but for the test hooks (tools/page-hooks.js, the tests' own instrumentation, never
   * part of the app) — the network gone as far as the pages can tell. `attempts` lists what the
   * browser still asked for once refused.
   */
  async function refusableServer() {
    const server = await serve({ port: 0, mounts, inject: hooks, log: (_, r) => s.log.push(r) });
    s.offline.push(server);
    const attempts = [];
    const hooksSource = readFileSync(hooks.file);
    const refuse = () => {
      server.removeAllListeners('request');
      server.on('request', (req, res) => {
        const path = new URL(req.url, 'http://x').pathname;
        if (path === hooks.path) {
          res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache', 'Cross-Origin-Resource-Policy': 'same-origin' });
          res.end(hooksSource);
          return;
        }
        attempts.push(`${req.method} ${path}`);
        req.socket.destroy();
      });
      server.closeAllConnections();
    };
    return { server, attempts, refuse };
  }

  /** The demo's cards: file name -> the top label shown. */
  const demoLabels = (page) =>
    page.evaluate(() => Object.fromEntries([...document.querySelectorAll('.card')].map((c) => [c.querySelector('h3').textContent, c.querySelector('.bar .label')?.textContent])));

  test(`${engine}: offline after the first visit: with the server refusing every request, the service worker serves the demo and the tagger, which classify the photos with the reference top-1`, async () => {
    const { server, attempts, refuse } = await refusableServer();
    // the first visit: the demo, then the tagger (whose single-threaded engines are another
    // wasm build, cached at its own first visit), each until its model is ready
    const page = await open(server, '/index.html', { ready: demoReady });
    await page.waitForFunction(() => navigator.serviceWorker?.controller?.state === 'activated', null, { timeout: 60_000 });
    await page.waitForFunction(() => /✓ cached/.test(document.querySelector('#model-info')?.textContent), null, { timeout: 120_000 });
    const online = await page.evaluate(async () => ({
      isolated: crossOriginIsolated,
      backend: document.querySelector('#backend').textContent,
      shell: (await caches.keys()).filter((k) => k.startsWith('effnet-shell-')),
    }));
    assert.equal(online.shell.length, 1, `one cache of the app's files: ${online.shell}`);
    await page.goto(`${server.url}/tagger/`);
    // every engine started, not only the first: leaving while the others' scripts load cuts
    // those loads short, which Firefox reports as the page's error
    await page.waitForFunction(() => document.body?.dataset.engines !== undefined, null, { timeout: 120_000 });
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(demoReady, null, { timeout: 60_000 });

    refuse();
    const t0 = Date.now();
    await page.reload();
    await page.waitForFunction(demoReady, null, { timeout: 60_000 });
    console.log(`${engine}: offline: the demo's classifier ready ${Date.now() - t0} ms after the reload began (${await page.textContent('#backend')})`);
    await upload(page, '#files', PHOTOS);
    await page.waitForFunction((n) => document.querySelectorAll('.card:not([aria-busy])').length === n, PHOTOS.length, { timeout: 120_000 });
    const labels = await demoLabels(page);
    for (const name of PHOTOS) assert.equal(labels[name], reference[name].top5[0][1], `offline demo: ${name}`);
    assert.match(await page.textContent('#model-info'), /✓ cached/);
    // the stored responses keep their headers: as isolated (and as many threads) as online
    assert.equal(await page.evaluate(() => crossOriginIsolated), online.isolated);
    assert.equal(await page.textContent('#backend'), online.backend);

    // the tagger: from the service worker's cache too
    const dir = join(s.work, 'offline');
    await mkdir(dir, { recursive: true });
    const tagged = ['coffee.png', 'chelsea.png'];
    for (const f of tagged) await copyFile(`${fixtures}/${f}`, join(dir, f));
    await page.goto(`${server.url}/tagger/`);
    await page.waitForFunction(taggerReady, null, { timeout: 60_000 }).catch(async (e) => {
      throw new Error(`the tagger offline: ${await page.textContent('#model-status')}; requests refused: ${attempts.join(', ')}: ${e.message}`);
    });
    await upload(page, '#files-input', tagged.map((f) => join(dir, f)));
    await page.waitForFunction(() => ['done', 'failed'].includes(document.body.dataset.state), null, { timeout: 120_000 });
    const cards = await page.evaluate(() => [...document.querySelectorAll('#grid .photo')].map((b) => ({ path: b.dataset.path, label: b.querySelector('.label')?.textContent })));
    console.log(`${engine}: offline tagger: ${await page.textContent('#summary')} ${cards.map((c) => `${c.path}: ${c.label}`).join(', ')}`);
    for (const name of tagged) assert.equal(cards.find((c) => c.path.endsWith(name))?.label, reference[name].top5[0][1], `offline tagger: ${name}`);
    // what the browser still asked the network for: only the service worker's update check
    const counted = [...new Set(attempts)].map((a) => `${a} x${attempts.filter((b) => b === a).length}`);
    console.log(`${engine}: offline: requests refused (a browser tries a dropped connection again): ${counted.join(', ') || 'none'}`);
    assert.deepEqual(attempts.filter((a) => a !== 'GET /sw.js'), [], 'nothing but sw.js asked of the network offline');
    await done(page);
  });

  test(`${engine}: privacy: every request was a GET without a body or query string; the CSP keeps the tagger from another origin`, async () => {
    const page = await open(s.isolated, '/tagger/');
    const blocked = await page.evaluate((url) => fetch(url).then(() => 'reached', (e) => e.name), `${s.other.url}/tagger/`);
    assert.equal(blocked, 'TypeError');
    assert.deepEqual(s.otherLog, [], 'nothing reached the other origin');
    // the blocked fetch is the one error expected (Firefox reports CSP violations as page errors)
    assert.deepEqual((await page.errors()).filter((e) => !/Content-Security-Policy|connect-src/.test(e)), []);
    await page.close();
    assert.ok(s.log.length > 20, `${s.log.length} requests`);
    assert.deepEqual(s.log.filter((r) => r.method !== 'GET' || r.bodyBytes !== 0).map((r) => `${r.method} ${r.url}`), []);
    assert.deepEqual(s.log.filter((r) => r.url.includes('?')).map((r) => r.url), []);
  });

  // the browser's own log sees what no server of ours can: requests to any other origin, from
  // any page or worker (the service worker's included), and what each one carried
  test(`${engine}: privacy, from the browser's own network log: every request of the suite went to the suite's own servers, a GET without a body, without a query string or data in its URL`, { skip: expect.networkLog === true ? false : expect.networkLog }, () => {
    const log = s.browser.requests;
    const network = log.filter((r) => /^https?:/.test(r.url));
    const ours = [s.isolated, s.plain, ...s.offline].map((server) => new URL(server.url).origin);
    const origins = [...new Set(network.map((r) => new URL(r.url).origin))];
    const heaviest = Math.max(...network.map((r) => r.headerBytes));
    console.log(`${engine}: the browser's own log: ${log.length} requests (${log.length - network.length} not http), to ${origins.join(', ')}; largest headers ${heaviest} bytes`);
    // the log sees the workers' requests too: the engine's wasm and the model, fetched in the worker
    assert.ok(network.some((r) => r.url.endsWith('.onnx')) && network.some((r) => r.url.endsWith('.wasm')), 'the workers\' requests are in the log');
    assert.ok(network.length > 50, `${network.length} requests`);
    assert.deepEqual(log.filter((r) => !/^(https?|blob|data):/.test(r.url)).map((r) => r.url), [], 'nothing but http, blob: and data: URLs');
    // the one request for another origin: the tagger's fetch the CSP blocks (the privacy test above), never answered
    const elsewhere = network.filter((r) => !ours.includes(new URL(r.url).origin));
    assert.deepEqual(elsewhere.filter((r) => r.url !== `${s.other.url}/tagger/` || (r.outcome !== null && !r.outcome.startsWith('failed'))).map((r) => `${r.url} ${r.outcome}`), [], 'no request to another origin');
    assert.deepEqual(network.filter((r) => r.method !== 'GET' || r.bodyBytes !== 0).map((r) => `${r.method} ${r.url} ${r.bodyBytes}`), [], 'every request a GET without a body');
    assert.deepEqual(network.filter((r) => r.url.includes('?') || r.url.length > 300).map((r) => r.url.slice(0, 300)), [], 'no query string, no data in a URL');
    // an image would not fit in the headers (every header of every request here is a few hundred bytes)
    assert.ok(heaviest < 4096, `a request's headers are ${heaviest} bytes`);
  });
}
