// What `threads: 'auto'` picks (www/src/worker/runtime.js), for tests that must hold on any
// machine: none without cross-origin isolation; else the browser's claimed cores (at most 8),
// trimmed to the cores the library measured where more than two are claimed, never below two
// there (two threads on one free core cost little; one would halve a busy machine's speed).
// Tests compare with this instead of a fixed count, so they pass pinned to 1 core, to 2, or on 16.

/** @param {{isolated: boolean, claimed: number, cores?: number|null}} seen */
export function autoThreads({ isolated, claimed, cores = null }) {
  if (!isolated) return 1;
  const c = Math.min(claimed, 8);
  return Math.min(c, Math.max(cores ?? c, 2));
}

/** What the page sees: isolation and navigator.hardwareConcurrency. */
export const pageCores = (page) => page.evaluate(() => ({ isolated: globalThis.crossOriginIsolated === true, claimed: navigator.hardwareConcurrency || 1 }));

/** The cores a backend line names as measured ("3 cores measured (…)"), or null. */
export function measuredIn(text) {
  const m = text.match(/(\d+) cores? measured/);
  return m ? Number(m[1]) : null;
}

/** How the demo's backend line says `n` threads. */
export const threadWords = (n) => (n === 1 ? '1 thread' : `${n} threads`);
