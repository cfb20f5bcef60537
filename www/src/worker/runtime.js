// Chooses and starts a wasm build: threads only where they can work, SIMD always.
import { simd, threads as threadsSupported } from 'wasm-feature-detect';
import { EffnetError, ErrorCode } from '../shared/errors.js';

/**
 * @param {'auto'|number} threads
 * @returns {Promise<{wasm: object, backend: {simd: boolean, relaxedSimd: boolean, threads: number}}>}
 */
export async function startRuntime(threads = 'auto') {
  if (!(await simd())) {
    throw new EffnetError(ErrorCode.UNSUPPORTED_BROWSER, 'this browser lacks WebAssembly SIMD (simd128), which effnet-wasm requires');
  }
  const cores = globalThis.navigator?.hardwareConcurrency || 1;
  const wanted = threads === 'auto' ? Math.min(cores, 8) : threads;
  if (!Number.isInteger(wanted) || wanted < 1) {
    throw new EffnetError(ErrorCode.BAD_OPTIONS, `threads must be 'auto' or a positive integer, not ${threads}`);
  }
  // shared memory needs cross-origin isolation (COOP + COEP headers) besides engine support
  const canThread = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function' && (await threadsSupported());
  if (wanted > 1 && canThread) {
    const wasm = await import('../../pkg/simd-threads/effnet.js');
    await wasm.default();
    await wasm.initThreadPool(wanted);
    wasm.useThreadPool();
    return { wasm, backend: { simd: true, relaxedSimd: false, threads: wanted } };
  }
  const wasm = await import('../../pkg/simd/effnet.js');
  await wasm.default();
  return { wasm, backend: { simd: true, relaxedSimd: false, threads: 1 } };
}
