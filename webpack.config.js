// Bundles the browser code into dist/: the library's worker and its four wasm builds come along
// through `new URL(..., import.meta.url)`. Entries: the pages below, and the test harness in
// test builds, and sw.js, the service worker (www/offline/). `webpack --env production` writes
// dist/, a static site for any host.
// `--env only=simd,...` (tools/start.mjs, while the other builds are still compiling) bundles
// every other wasm build as a stub (tools/unbuilt-wasm.js), which the runtime passes over.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';
import { isAvailable } from './www/src/shared/manifest.js';
import { ServiceWorkerPlugin } from './www/offline/plugin.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const VARIANTS = ['simd', 'simd-threads', 'simd-relaxed', 'simd-threads-relaxed'];

// The pages, one line each: name: { script, folder }. The script is bundled to <name>.js at the
// top of the output; the html and css it imports (its index.html, style.css) are copied as they
// are into `folder` of the output ('' for the top). The demo is the site's front page.
const pages = {
  demo: { script: 'www/demo/main.js', folder: '' },
  tagger: { script: 'www/tagger/main.js', folder: 'tagger/' },
};
// in test builds (not production) only: the page the harness tests drive (tests/browser/harness-chromium.mjs, tests/engines/)
const testPages = {
  harness: { script: 'tests/browser/harness.js', folder: '' },
};

/** Puts every built manifest model into models/ of the output, so dist/ is a complete site. */
class CopyModels {
  apply(compiler) {
    const { RawSource } = compiler.webpack.sources;
    compiler.hooks.thisCompilation.tap('CopyModels', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'CopyModels', stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        const manifest = JSON.parse(readFileSync(resolve(here, 'models/manifest.json'), 'utf8'));
        compilation.emitAsset('models/manifest.json', new RawSource(JSON.stringify(manifest)));
        const emitted = Object.keys(compilation.assets);
        for (const m of manifest.models) {
          // a model whose weights the user supplies has no file until they build it
          if (!isAvailable(m)) continue;
          // the default model is already there as a hashed asset (the library names it literally)
          const stem = m.file.replace(/\.onnx$/, '');
          if (emitted.some((a) => a.startsWith(`assets/${stem}.`))) continue;
          compilation.emitAsset(`models/${m.file}`, new RawSource(readFileSync(resolve(here, 'models', m.file))));
        }
      });
    });
  }
}

/** Stubs for the wasm builds `only` (a comma list, or undefined: all are real) leaves out. */
function stubsFor(webpack, only) {
  if (only === undefined) return [];
  const keep = String(only).split(',');
  const unknown = keep.filter((v) => !VARIANTS.includes(v));
  if (unknown.length) throw new Error(`webpack --env only: unknown wasm build ${unknown.join(', ')} (known: ${VARIANTS.join(', ')})`);
  const left = VARIANTS.filter((v) => !keep.includes(v));
  if (!left.length) return [];
  // the build's JS module, and the two files the runtime names for it (worker/runtime.js): its
  // wasm, fetched only once the JS is known to be real, and its integrity.json
  const stubs = { 'effnet.js': 'unbuilt-wasm.js', 'effnet_bg.wasm': 'unbuilt.wasm', 'integrity.json': 'unbuilt-integrity.json' };
  const pattern = new RegExp(`[\\\\/]pkg[\\\\/](${left.join('|')})[\\\\/](effnet\\.js|effnet_bg\\.wasm|integrity\\.json)$`);
  return [
    new webpack.NormalModuleReplacementPlugin(pattern, (resource) => {
      resource.request = resolve(here, 'tools', stubs[resource.request.match(pattern)[2]]);
    }),
  ];
}

export default (env = {}) => {
  const built = Object.entries({ ...pages, ...(env.production ? {} : testPages) });
  return {
    mode: env.production ? 'production' : 'development',
    devtool: env.production ? false : 'source-map',
    entry: Object.fromEntries(built.map(([name, { script }]) => [name, resolve(here, script)])),
    output: {
      path: resolve(here, env.out ?? 'dist'),
      filename: '[name].js',
      chunkFilename: '[name].[contenthash:8].js',
      assetModuleFilename: 'assets/[name].[contenthash:8][ext]',
      clean: true,
    },
    resolve: {
      // the package by its own name, as users import it
      alias: { 'effnet-wasm$': resolve(here, 'www/src/client/index.js') },
    },
    module: {
      // pages and styles are copied as they are: into their page's folder, the rest (the shared
      // www/theme.css) to the top
      rules: [
        {
          test: /\.(html|css)$/,
          oneOf: [
            ...built.map(([, { script, folder }]) => ({ include: resolve(here, dirname(script)), type: 'asset/resource', generator: { filename: `${folder}[name][ext]` } })),
            { type: 'asset/resource', generator: { filename: '[name][ext]' } },
          ],
        },
      ],
    },
    // sw.js: the pages work offline after the first visit (www/offline/)
    plugins: [new ServiceWorkerPlugin(), ...(env.production ? [new CopyModels()] : []), ...stubsFor(webpack, env.only)],
    performance: { hints: false },
  };
};
