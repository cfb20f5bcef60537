// `npm start`'s first bundle (tools/start.mjs): only the simd wasm build is real, the other
// three are stubs (webpack --env only=simd). In a cross-origin isolated page, asked for two
// threads (simd-threads-relaxed), it must run simd instead, say why, and classify right.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../www/serve.mjs';
import { launch } from '../../tools/chromium.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const reference = JSON.parse(await readFile(join(repo, 'tests/fixtures/reference.json'), 'utf8'))['efficientnet-lite0'].images;
const PHOTO = 'chelsea.png';

let dir, server, browser;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'effnet-partial-'));
  execFileSync('npx', ['webpack', '--env', `out=${dir}`, '--env', 'only=simd'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  server = await serve({ port: 0, mounts: { '/': dir, '/fixtures/': join(repo, 'tests/fixtures') } });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the bundle carries one wasm build, the simd one (the unbuilt ones: an 8-byte stub, never fetched)', async () => {
  const wasm = (await readdir(join(dir, 'assets'))).filter((f) => f.endsWith('.wasm'));
  const sizes = Object.fromEntries(await Promise.all(wasm.map(async (f) => [f, (await stat(join(dir, 'assets', f))).size])));
  // the engine's builds (effnet_bg.*); the HEIC module (heic.*) is another file, fetched only for HEIC
  const real = wasm.filter((f) => f.startsWith('effnet_bg.'));
  assert.deepEqual(real.map((f) => sizes[f]), [(await stat(join(repo, 'www/pkg/simd/effnet_bg.wasm'))).size], `wasm assets: ${JSON.stringify(sizes)}`);
  assert.ok(wasm.filter((f) => f.startsWith('unbuilt.')).every((f) => sizes[f] === 8), `stubs: ${JSON.stringify(sizes)}`);
});

test('isolated, with only simd built: the simd build runs, one thread, saying why, and classifies right', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/harness.html`);
  await page.waitForFunction(() => window.ready === true);
  const out = await page.evaluate(async (name) => {
    // two threads asked: the threaded build is wanted on any core count ('auto' picks one
    // thread on one core)
    const clf = await effnet.ImageClassifier.create({ threads: 2 });
    const r = await clf.classify(await fixture(name));
    clf.dispose();
    return { label: r.categories[0].label, backend: r.backend, isolated: crossOriginIsolated };
  }, PHOTO);
  await page.close();
  console.log('backend', out.backend);
  assert.equal(out.isolated, true);
  assert.equal(out.backend.build, 'simd');
  assert.equal(out.backend.threads, 1);
  assert.equal(out.backend.relaxedSimd, false);
  assert.match(out.backend.threadsReason, /threaded wasm builds are not built yet/);
  assert.equal(out.label, reference[PHOTO].top5[0][1]);
});
