// The pure parts of "offline after the first visit" and "one progress bar": what the service
// worker precaches and how a build's version changes (www/offline/precache.mjs), the progress
// total (www/src/shared/progress.js), the pages' bar (www/load-bar.js), and the wasm's length
// check (www/src/shared/stream-fetch.js) against a real server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { buildVersion, precacheList, serviceWorkerSource } from '../../www/offline/precache.mjs';
import { LoadProgress } from '../../www/src/shared/progress.js';
import { streamFetch } from '../../www/src/shared/stream-fetch.js';
import { LoadBar } from '../../www/load-bar.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

test('the precache list is the app shell: no wasm, model, source map, models/ folder or the worker itself', () => {
  const names = ['index.html', 'demo.js', 'demo.js.map', 'assets/effnet_bg.12345678.wasm', 'assets/efficientnet-lite0.1234abcd.onnx', 'models/manifest.json', 'models/efficientnet-lite1.onnx', 'tagger/index.html', 'theme.css', 'sw.js', 'effnet-wasm.0a1b2c3d.js'];
  assert.deepEqual(precacheList(names), ['demo.js', 'effnet-wasm.0a1b2c3d.js', 'index.html', 'tagger/index.html', 'theme.css']);
});

test('the version changes with any asset, the wasm included, and not with the order', () => {
  const a = [
    { name: 'index.html', content: '<p>one</p>' },
    { name: 'assets/effnet_bg.11111111.wasm', content: 'wasm' },
  ];
  const v = buildVersion(a);
  assert.match(v, /^[0-9a-f]{16}$/);
  assert.equal(buildVersion([...a].reverse()), v);
  assert.notEqual(buildVersion([{ ...a[0], content: '<p>two</p>' }, a[1]]), v);
  assert.notEqual(buildVersion([a[0], { ...a[1], name: 'assets/effnet_bg.22222222.wasm' }]), v);
  // name and content are kept apart: moving a byte from one to the other is another build
  assert.notEqual(buildVersion([{ name: 'ab', content: 'c' }]), buildVersion([{ name: 'a', content: 'bc' }]));
});

test('sw.js of the test build lists what the build emitted and its precache files exist', async () => {
  const dist = `${repo}/dist-test`;
  const sw = await readFile(`${dist}/sw.js`, 'utf8').catch(() => null);
  if (!sw) return assert.fail('dist-test/sw.js is missing: run npx webpack --env out=dist-test');
  const list = JSON.parse(sw.match(/^const PRECACHE = (.*);$/m)[1]);
  const emitted = await readdir(dist, { recursive: true });
  for (const name of list) assert.ok(emitted.includes(name), `${name} is precached but not in the build`);
  assert.ok(list.includes('index.html') && list.includes('tagger/index.html') && list.some((n) => /^effnet-wasm\.[0-9a-f]{8}\.js$/.test(n)), list.join(' '));
  assert.deepEqual(list.filter((n) => /\.(wasm|onnx|map)$/.test(n)), []);
  const source = serviceWorkerSource('/* worker */', [{ name: 'index.html', content: 'x' }]);
  assert.match(source, /const VERSION = "[0-9a-f]{16}";\nconst PRECACHE = \["index.html"\];\n\/\* worker \*\//);
});

/** Events of a wasm and a model arriving interleaved, as a worker sends them. */
function run(order) {
  const out = [];
  const p = new LoadProgress((e) => out.push(e), ['wasm', 'model']);
  const to = { wasm: p.for('wasm'), model: p.for('model') };
  for (const [resource, e] of order) to[resource](e);
  return out;
}

test('the total waits for both sizes, then only grows, and ends at the sum', () => {
  const out = run([
    ['model', { phase: 'download', loadedBytes: 10, totalBytes: 100 }],
    ['model', { phase: 'download', loadedBytes: 20, totalBytes: 100 }],
    ['wasm', { phase: 'download', loadedBytes: 5, totalBytes: 50 }],
    ['model', { phase: 'download', loadedBytes: 100, totalBytes: 100 }],
    ['wasm', { phase: 'download', loadedBytes: 50, totalBytes: 50 }],
    ['model', { phase: 'compile', loadedBytes: 100, totalBytes: 100 }],
    ['model', { phase: 'ready', loadedBytes: 100, totalBytes: 100 }],
  ]);
  // the first model event is coalesced with the second while the wasm's size was unknown
  assert.deepEqual(out.map((e) => `${e.resource}:${e.phase}:${e.loadedBytes}`), ['model:download:20', 'wasm:download:5', 'model:download:100', 'wasm:download:50', 'model:compile:100', 'model:ready:100']);
  assert.deepEqual(out.map((e) => e.total.totalBytes), [150, 150, 150, 150, 150, 150]);
  assert.deepEqual(out.map((e) => e.total.loadedBytes), [25, 25, 105, 150, 150, 150]);
  assert.ok(out.every((e) => e.total.cachedBytes === 0));
});

test("a size announced ahead: the other's events go out at once, the total counting it from the start", () => {
  const out = [];
  const p = new LoadProgress((e) => out.push(e), ['wasm', 'model']);
  const wasm = p.for('wasm');
  wasm({ phase: 'download', loadedBytes: 5, totalBytes: 50 });
  assert.equal(out.length, 0, 'held: the model size is not known yet');
  p.expect('model', 100);
  wasm({ phase: 'download', loadedBytes: 20, totalBytes: 50 });
  wasm({ phase: 'download', loadedBytes: 50, totalBytes: 50 });
  p.expect('model', 999); // a second announcement, or one after the first event, changes nothing
  p.for('model')({ phase: 'download', loadedBytes: 100, totalBytes: 100, cached: true });
  assert.deepEqual(out.map((e) => `${e.resource}:${e.loadedBytes}:${e.total.loadedBytes}/${e.total.totalBytes}:${e.total.cachedBytes}`), [
    'wasm:5:5/150:0',
    'wasm:20:20/150:0',
    'wasm:50:50/150:0',
    'model:100:150/150:100',
  ]);
  assert.ok(!out.some((e) => e.resource === 'model' && e.loadedBytes === 0), 'no event for the announcement itself');
  assert.throws(() => p.expect('labels', 1), /unexpected resource labels/);
});

test('cached resources report once, full; a missing callback or an unknown resource', () => {
  const out = run([
    ['wasm', { phase: 'download', loadedBytes: 50, totalBytes: 50, cached: true }],
    ['model', { phase: 'download', loadedBytes: 100, totalBytes: 100, cached: true }],
  ]);
  assert.deepEqual(out.map((e) => [e.resource, e.cached, e.total.loadedBytes, e.total.totalBytes, e.total.cachedBytes]), [['wasm', true, 150, 150, 150], ['model', true, 150, 150, 150]]);
  // a cached model whose copy fails its check is downloaded: its bytes are no longer cached ones
  const again = run([
    ['wasm', { phase: 'download', loadedBytes: 50, totalBytes: 50, cached: true }],
    ['model', { phase: 'download', loadedBytes: 100, totalBytes: 100, cached: true }],
    ['model', { phase: 'download', loadedBytes: 100, totalBytes: 100 }],
    ['model', { phase: 'compile', loadedBytes: 100, totalBytes: 100 }],
  ]);
  assert.deepEqual(again.map((e) => e.total.cachedBytes), [150, 150, 50, 50]);
  assert.equal(new LoadProgress(undefined, ['model']).for('model')({ phase: 'ready', loadedBytes: 1, totalBytes: 1 }), undefined);
  assert.throws(() => new LoadProgress(() => {}, ['model']).for('labels'), /unexpected resource labels/);
});

test("the pages' bar counts only what comes over the network", () => {
  const bar = { value: 0 };
  const text = { textContent: '' };
  const b = new LoadBar(bar, text);
  const p = new LoadProgress((e) => b.update(e), ['wasm', 'model']);
  p.for('wasm')({ phase: 'download', loadedBytes: 13.8e6, totalBytes: 13.8e6, cached: true });
  assert.equal(text.textContent, '', 'nothing shown before both sizes are known');
  p.for('model')({ phase: 'download', loadedBytes: 4.6e6, totalBytes: 18.5e6 });
  assert.equal(text.textContent, 'Downloading 4.6 MB of 18.5 MB (25%)');
  assert.ok(Math.abs(bar.value - 4.6 / 18.5) < 1e-12, String(bar.value));
  p.for('model')({ phase: 'compile', loadedBytes: 18.5e6, totalBytes: 18.5e6 });
  assert.equal(text.textContent, 'Preparing the model…');
  assert.equal(bar.value, 1);
  const all = new LoadBar(bar, text);
  all.update({ phase: 'download', total: { loadedBytes: 32.3e6, totalBytes: 32.3e6, cachedBytes: 32.3e6 } });
  assert.equal(text.textContent, 'Loaded from the cache');
});

test('a file of the wrong length is the integrity code given, naming where the size came from', async () => {
  const body = Buffer.alloc(1000, 7);
  const server = createServer((req, res) => res.end(body));
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}/effnet_bg.wasm`;
  try {
    const seen = [];
    const bytes = await streamFetch(url, { expected: 1000, onBytes: (l, t) => seen.push([l, t]), fetchCode: 'RUNTIME_FETCH', integrityCode: 'RUNTIME_INTEGRITY' });
    assert.equal(bytes.byteLength, 1000);
    assert.deepEqual(seen.at(-1), [1000, 1000]);
    await assert.rejects(
      streamFetch(url, { expected: 999, fetchCode: 'RUNTIME_FETCH', integrityCode: 'RUNTIME_INTEGRITY', expectedFrom: "the build's simd/integrity.json" }),
      (e) => e.code === 'RUNTIME_INTEGRITY' && /effnet_bg\.wasm: got 1000 bytes, the build's simd\/integrity\.json says 999/.test(e.message),
    );
    // no expected size: Content-Length is the total, and the hint when there is none
    const hinted = [];
    await streamFetch(url, { totalHint: 5, onBytes: (l, t) => hinted.push(t), fetchCode: 'RUNTIME_FETCH', integrityCode: 'RUNTIME_INTEGRITY' });
    assert.equal(hinted.at(-1), 1000);
  } finally {
    server.close();
  }
  await assert.rejects(streamFetch('http://127.0.0.1:9/nothing.wasm', { fetchCode: 'RUNTIME_FETCH', integrityCode: 'RUNTIME_INTEGRITY' }), (e) => e.code === 'RUNTIME_FETCH' && /cannot fetch http:\/\/127\.0\.0\.1:9\/nothing\.wasm/.test(e.message));
});
