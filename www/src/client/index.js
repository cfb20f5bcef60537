// The public API on the main thread. Heavy work runs in a dedicated worker (comlink).
import { simd, relaxedSimd, threads } from 'wasm-feature-detect';

export { EffnetError, ErrorCode } from '../shared/errors.js';
export { cosineSimilarity } from '../shared/cosine.js';
export { models } from '../shared/manifest.js';
export { ModelCache } from '../shared/model-cache.js';
export { ImageClassifier } from './classifier.js';

export async function capabilities() {
  return {
    simd: await simd(),
    relaxedSimd: await relaxedSimd(),
    threads: (await threads()) && globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function',
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: globalThis.navigator?.hardwareConcurrency ?? 1,
  };
}
