// Bundles the browser code into dist/: the library's worker and its four wasm builds come along
// through `new URL(..., import.meta.url)`. Entries: the demo page, the photo tagger
// (tagger/index.html, its script tagger.js) and the test harness.
// `webpack --env production` writes dist/, a static site for any host.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAvailable } from './www/src/shared/manifest.js';

const here = fileURLToPath(new URL('.', import.meta.url));

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

export default (env = {}) => ({
  mode: env.production ? 'production' : 'development',
  devtool: env.production ? false : 'source-map',
  entry: {
    demo: resolve(here, 'www/demo/main.js'),
    tagger: resolve(here, 'www/tagger/main.js'),
    ...(env.production ? {} : { harness: resolve(here, 'tests/browser/harness.js') }),
  },
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
    // pages and styles are copied as they are, next to the scripts
    rules: [
      {
        test: /\.(html|css)$/,
        oneOf: [
          { include: resolve(here, 'www/tagger'), type: 'asset/resource', generator: { filename: 'tagger/[name][ext]' } },
          { type: 'asset/resource', generator: { filename: '[name][ext]' } },
        ],
      },
    ],
  },
  plugins: env.production ? [new CopyModels()] : [],
  performance: { hints: false },
});
