// `npm pack` gives a tarball that installs and works: from Node, and bundled by webpack into
// a tiny app that runs in chromium. Builds everything in a temporary directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve } from '../../www/serve.mjs';
import { launch } from '../../tools/chromium.mjs';
import { installPacked, repo } from './packed.mjs';
import { autoThreads, pageCores } from '../browser/auto-threads.mjs';

let app, dir, tarball, run;

before(async () => {
  app = await installPacked('effnet-pack-');
  ({ dir, tarball, run } = app);
});
after(async () => {
  await app?.remove();
});

test('the tarball holds the library, the four wasm builds, the manifest and the Lite0 model', () => {
  const files = tarball.files.map((f) => f.path);
  for (const f of [
    'www/src/client/index.js',
    'www/src/worker/worker.js',
    'www/src/node/index.js',
    'www/src/index.d.ts',
    'www/pkg/simd/effnet_bg.wasm',
    'www/pkg/simd-threads/effnet_bg.wasm',
    'www/pkg/simd-relaxed/effnet_bg.wasm',
    'www/pkg/simd-threads-relaxed/effnet_bg.wasm',
    'models/manifest.json',
    'models/efficientnet-lite0.onnx',
  ]) {
    assert.ok(files.includes(f), `${f} is packed`);
  }
  assert.ok(!files.some((f) => f.startsWith('crate/') || f.startsWith('tests/')), 'no sources or tests');
  console.log(`${tarball.filename}: ${tarball.size} bytes packed, ${tarball.unpackedSize} unpacked, ${files.length} files`);
});

test('installed, it classifies from Node', () => {
  const script = `
    import { readFile } from 'node:fs/promises';
    import { ImageClassifier } from 'effnet-wasm';
    const clf = await ImageClassifier.create();
    const r = await clf.classify(new Uint8Array(await readFile(${JSON.stringify(join(repo, 'tests/fixtures/coffee.png'))})));
    console.log(r.categories[0].label);`;
  assert.equal(run('node', ['--input-type=module', '-e', script]).trim(), 'espresso');
});

test('installed and bundled by webpack, a tiny app classifies in chromium, with threads where the cores allow', async () => {
  await copyFile(join(repo, 'tests/pack/app.js'), join(dir, 'app.js'));
  await copyFile(join(repo, 'tests/fixtures/coffee.png'), join(dir, 'coffee.png'));
  await writeFile(
    join(dir, 'webpack.config.cjs'),
    `module.exports = { mode: 'production', entry: './app.js', output: { path: __dirname + '/dist', clean: true },
       resolveLoader: { modules: [${JSON.stringify(join(repo, 'node_modules'))}] }, performance: { hints: false } };`,
  );
  run('node', [join(repo, 'node_modules/webpack-cli/bin/cli.js'), '--config', 'webpack.config.cjs']);
  await copyFile(join(dir, 'coffee.png'), join(dir, 'dist/coffee.png'));
  await writeFile(join(dir, 'dist/index.html'), '<!doctype html><link rel="icon" href="data:,"><p id="out">…</p><script src="main.js"></script>');
  const server = await serve({ port: 0, mounts: { '/': join(dir, 'dist') } });
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => document.querySelector('#out').textContent !== '…', null, { timeout: 60_000 });
    const shown = JSON.parse(await page.textContent('#out'));
    const threads = autoThreads({ ...(await pageCores(page)), cores: shown.cores });
    assert.deepEqual(shown, { label: 'espresso', threads, build: `simd${threads > 1 ? '-threads' : ''}-relaxed`, cores: shown.cores });
  } finally {
    await browser.close();
    server.close();
  }
});
