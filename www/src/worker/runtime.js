// Chooses and starts a wasm build: threads only where they can work, never more than the cores
// measured (worker/cores.js), relaxed SIMD where the engine has it (tract's matrix kernels then
// use fused multiply-adds), SIMD always.
import { simd, relaxedSimd as relaxedSupported, threads as threadsSupported } from 'wasm-feature-detect';
import { EffnetError, ErrorCode } from '../shared/errors.js';
import { measureCores } from './cores.js';
import { wasmBytes } from './wasm-bytes.js';
import simdIntegrity from '../../pkg/simd/integrity.json' with { type: 'json' };
import relaxedIntegrity from '../../pkg/simd-relaxed/integrity.json' with { type: 'json' };
import threadsIntegrity from '../../pkg/simd-threads/integrity.json' with { type: 'json' };
import threadsRelaxedIntegrity from '../../pkg/simd-threads-relaxed/integrity.json' with { type: 'json' };

// a pool larger than this gains nothing on these models
const MAX_THREADS = 8;

// literal import()s and URLs, so bundlers ship each build (its JS as a chunk, its wasm as an
// asset) and load only the one chosen; the wasm is fetched by worker/wasm-bytes.js, with
// progress, and checked against its integrity.json with cacheRuntime
const BUILDS = {
  simd: { js: () => import('../../pkg/simd/effnet.js'), wasm: () => new URL('../../pkg/simd/effnet_bg.wasm', import.meta.url), integrity: simdIntegrity },
  'simd-relaxed': { js: () => import('../../pkg/simd-relaxed/effnet.js'), wasm: () => new URL('../../pkg/simd-relaxed/effnet_bg.wasm', import.meta.url), integrity: relaxedIntegrity },
  'simd-threads': { js: () => import('../../pkg/simd-threads/effnet.js'), wasm: () => new URL('../../pkg/simd-threads/effnet_bg.wasm', import.meta.url), integrity: threadsIntegrity },
  'simd-threads-relaxed': {
    js: () => import('../../pkg/simd-threads-relaxed/effnet.js'),
    wasm: () => new URL('../../pkg/simd-threads-relaxed/effnet_bg.wasm', import.meta.url),
    integrity: threadsRelaxedIntegrity,
  },
};

// what stands in for each build while it is unbuilt, best first: only builds that run wherever
// it would (no relaxed SIMD for a baseline engine, no threads for an unisolated page)
const FALLBACKS = {
  'simd-threads-relaxed': ['simd-threads', 'simd-relaxed', 'simd'],
  'simd-threads': ['simd'],
  'simd-relaxed': ['simd'],
  simd: [],
};

/**
 * Why the engine cannot run threads, or null if it can.
 * Shared memory needs the SharedArrayBuffer global (WebKitGTK has none at all) and
 * cross-origin isolation (COOP + COEP headers), besides wasm threads in the engine.
 */
async function threadsUnavailable() {
  // isolation first: without it no engine gives SharedArrayBuffer
  if (globalThis.crossOriginIsolated !== true) return 'not cross-origin isolated (threads need the COOP and COEP headers)';
  if (typeof SharedArrayBuffer !== 'function') return 'this browser has no SharedArrayBuffer';
  if (!(await threadsSupported())) return 'this browser has no WebAssembly threads';
  return null;
}

/**
 * @param {'auto'|number} threads
 * @param {{relaxedSimd?: boolean, cores?: number, cacheRuntime?: boolean}} [options] relaxedSimd:
 *   false keeps the baseline SIMD build; cores: a count measured earlier in this page
 *   (worker/cores.js), to skip measuring again; cacheRuntime: keep the wasm in the Cache API,
 *   checked against its build's integrity.json (worker/wasm-bytes.js)
 * @param {(e: object) => unknown} [onProgress] the wasm download's progress
 * @param {(stage: string) => unknown} [onStage] told 'pool' (awaited) before the thread pool
 *   starts and 'pool-ready' after: the client times that stage on its own (client/classifier.js)
 * @returns {Promise<{wasm: object, backend: {simd: boolean, relaxedSimd: boolean, threads: number, build: string, cores: number|null, threadsReason: string|null}}>}
 */
export async function startRuntime(threads = 'auto', { relaxedSimd = true, cores: known, cacheRuntime = false } = {}, onProgress, onStage) {
  if (!(await simd())) {
    throw new EffnetError(ErrorCode.UNSUPPORTED_BROWSER, 'this browser lacks WebAssembly SIMD (simd128), which effnet-wasm requires');
  }
  if (threads !== 'auto' && (!Number.isInteger(threads) || threads < 1)) {
    throw new EffnetError(ErrorCode.BAD_OPTIONS, `threads must be 'auto' or a positive integer, not ${threads}`);
  }
  if (typeof relaxedSimd !== 'boolean') {
    throw new EffnetError(ErrorCode.BAD_OPTIONS, `relaxedSimd must be true or false, not ${relaxedSimd}`);
  }
  if (typeof cacheRuntime !== 'boolean') {
    throw new EffnetError(ErrorCode.BAD_OPTIONS, `cacheRuntime must be true or false, not ${cacheRuntime}`);
  }
  const claimed = Math.min(globalThis.navigator?.hardwareConcurrency || 1, MAX_THREADS);
  const unavailable = await threadsUnavailable();
  // The probe only trims a claim above two cores: a busy machine measures fewer cores than it
  // has, and one thread instead of two would halve the speed of every user whose machine is
  // doing something else, while two threads on one free core cost little. An explicit count
  // is the caller's to choose. Measured before the wasm compiles, which would take cores
  // from the spinners. Not where threads are impossible (WebKit, no SharedArrayBuffer): there
  // it would only size the caller's other work, and each fresh instance would pay for it; the
  // caller then trusts no claim above two (the tagger's engines).
  const probe = !unavailable && threads === 'auto' && claimed > 2;
  const cores = probe ? (known ?? (await measureCores(claimed))) : null;
  let reason = unavailable;
  let n = 1;
  if (!unavailable) {
    n = threads === 'auto' ? Math.min(claimed, Math.max(cores ?? claimed, 2)) : threads;
    if (threads === 1) reason = 'threads: 1 was asked';
    else if (threads === 'auto' && n < claimed) {
      reason = `${cores} ${cores === 1 ? 'core' : 'cores'} measured (navigator.hardwareConcurrency says ${globalThis.navigator?.hardwareConcurrency})`;
    }
  }
  let useThreads = n > 1;
  let relaxed = relaxedSimd && (await relaxedSupported());
  let build = `simd${useThreads ? '-threads' : ''}${relaxed ? '-relaxed' : ''}`;
  // `npm start` serves the demo before all four builds exist (tools/start.mjs): a build it
  // has not made yet is a stub, known from its integrity.json (imported above, so no fetch
  // decides it), and the best built one that this engine can run stands in
  const unbuilt = (b) => BUILDS[b].integrity.unbuilt === true;
  const stub = build;
  if (unbuilt(build)) build = FALLBACKS[build].find((b) => !unbuilt(b)) ?? build;
  if (unbuilt(build)) throw new EffnetError(ErrorCode.INFERENCE, `no wasm build is in this bundle (the ${stub} one is a stub: see tools/start.mjs)`);
  if (useThreads && !build.includes('threads')) {
    [useThreads, n, reason] = [false, 1, 'the threaded wasm builds are not built yet (npm start builds them in the background)'];
  }
  relaxed = build.endsWith('-relaxed');
  const chosen = BUILDS[build];
  // the JS chunk and the wasm bytes at once
  const [wasm, { bytes }] = await Promise.all([chosen.js(), wasmBytes(chosen.wasm(), chosen.integrity, { cacheRuntime, onProgress })]);
  // compiled here rather than streamed: the bytes came through our own reader, for progress
  await wasm.default({ module_or_path: await WebAssembly.compile(bytes) });
  if (useThreads) {
    // awaited: the client's pool clock runs before the step that may hang (Firefox)
    await onStage?.('pool');
    await wasm.initThreadPool(n);
    wasm.useThreadPool();
    Promise.resolve(onStage?.('pool-ready')).catch(() => {}); // a client gone is not this worker's error
  }
  return { wasm, backend: { simd: true, relaxedSimd: relaxed, threads: n, build, cores, threadsReason: reason } };
}
