// Bundles the browser code into dist/: the library's worker and both wasm builds come along
// through `new URL(..., import.meta.url)`. Entries: the demo page and the test harness.
// `webpack --env production` writes dist/, a static site for any host.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default (env = {}) => ({
  mode: env.production ? 'production' : 'development',
  devtool: env.production ? false : 'source-map',
  entry: {
    demo: resolve(here, 'www/demo/main.js'),
    harness: resolve(here, 'tests/browser/harness.js'),
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
    rules: [{ test: /\.(html|css)$/, type: 'asset/resource', generator: { filename: '[name][ext]' } }],
  },
  experiments: { asyncWebAssembly: false },
  performance: { hints: false },
});
