// Emits sw.js (www/offline/sw.js with the build's precache list and version, precache.mjs) at
// the top of a webpack build. Our own plugin rather than workbox-webpack-plugin: the worker is
// about a hundred lines we need to control exactly (no wasm or model in its cache, the
// responses' COOP/COEP headers kept), and workbox would bring its build toolchain along.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serviceWorkerSource } from './precache.mjs';

const SOURCE = fileURLToPath(new URL('./sw.js', import.meta.url));

export class ServiceWorkerPlugin {
  apply(compiler) {
    const { RawSource } = compiler.webpack.sources;
    const { Compilation } = compiler.webpack;
    compiler.hooks.thisCompilation.tap('ServiceWorkerPlugin', (compilation) => {
      compilation.fileDependencies.add(SOURCE);
      // after every asset has its final name and content (SUMMARIZE follows the hashing stages)
      compilation.hooks.processAssets.tap({ name: 'ServiceWorkerPlugin', stage: Compilation.PROCESS_ASSETS_STAGE_SUMMARIZE }, () => {
        const assets = compilation.getAssets().map((a) => ({ name: a.name, content: a.source.buffer() }));
        compilation.emitAsset('sw.js', new RawSource(serviceWorkerSource(readFileSync(SOURCE, 'utf8'), assets)));
      });
    });
  }
}
