// Chooses and starts a wasm build: threads only where they can work, relaxed SIMD where the
// engine has it (tract's matrix kernels then use fused multiply-adds), SIMD always.
import { simd, relaxedSimd as relaxedSupported, threads as threadsSupported } from 'wasm-feature-detect';
import { EffnetError, ErrorCode } from '../shared/errors.js';

// literal import()s, so bundlers ship each build as its own chunk and load only the one chosen
const BUILDS = {
  simd: () => import('../../pkg/simd/effnet.js'),
  'simd-relaxed': () => import('../../pkg/simd-relaxed/effnet.js'),
  'simd-threads': () => import('../../pkg/simd-threads/effnet.js'),
  'simd-threads-relaxed': () => import('../../pkg/simd-threads-relaxed/effnet.js'),
};

/**
 * @param {'auto'|number} threads
 * @param {{relaxedSimd?: boolean}} [options] relaxedSimd: false keeps the baseline SIMD build
 * @returns {Promise<{wasm: object, backend: {simd: boolean, relaxedSimd: boolean, threads: number, build: string}}>}
 */
export async function startRuntime(threads = 'auto', { relaxedSimd = true } = {}) {
  if (!(await simd())) {
    throw new EffnetError(ErrorCode.UNSUPPORTED_BROWSER, 'this browser lacks WebAssembly SIMD (simd128), which effnet-wasm requires');
  }
  const cores = globalThis.navigator?.hardwareConcurrency || 1;
  const wanted = threads === 'auto' ? Math.min(cores, 8) : threads;
  if (!Number.isInteger(wanted) || wanted < 1) {
    throw new EffnetError(ErrorCode.BAD_OPTIONS, `threads must be 'auto' or a positive integer, not ${threads}`);
  }
  if (typeof relaxedSimd !== 'boolean') {
    throw new EffnetError(ErrorCode.BAD_OPTIONS, `relaxedSimd must be true or false, not ${relaxedSimd}`);
  }
  // shared memory needs cross-origin isolation (COOP + COEP headers) besides engine support
  const canThread = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function' && (await threadsSupported());
  const useThreads = wanted > 1 && canThread;
  const relaxed = relaxedSimd && (await relaxedSupported());
  const build = `simd${useThreads ? '-threads' : ''}${relaxed ? '-relaxed' : ''}`;
  const wasm = await BUILDS[build]();
  await wasm.default();
  if (useThreads) {
    await wasm.initThreadPool(wanted);
    wasm.useThreadPool();
  }
  return { wasm, backend: { simd: true, relaxedSimd: relaxed, threads: useThreads ? wanted : 1, build } };
}
