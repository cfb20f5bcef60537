// How many cores the page's threads can use. navigator.hardwareConcurrency can overstate them
// (WebKitGTK says 4 on a 2-core machine; browsers may round or cap it), and a thread pool
// larger than the cores makes every parallel operator wait on its slowest, descheduled thread.
// So: `claimed` workers spin at once for a few tens of milliseconds, and their summed speed is
// compared with one spinning alone. k cores run k spinners at full speed and share themselves
// among the rest, so the sum is about k times one. About 0.25 s, once per page (the client
// passes the count on to later workers).
const SPIN_MS = 30;
const ROUNDS = 3;

const spawn = () => new Worker(new URL('./core-probe.js', import.meta.url), { type: 'module', name: 'effnet-core-probe' });

const next = (w) =>
  new Promise((ok, fail) => {
    w.onmessage = ({ data }) => ok(data);
    w.onerror = (e) => fail(new Error(e.message || 'the core probe failed'));
  });

/**
 * @param {number} claimed what navigator.hardwareConcurrency says (capped by the caller)
 * @returns {Promise<number>} the cores measured, in [1, claimed]
 */
export async function measureCores(claimed) {
  if (claimed < 2) return 1;
  const workers = Array.from({ length: claimed }, spawn);
  try {
    await Promise.all(workers.map(next)); // all started: their start-up is not measured
    const spin = (w) => Promise.all([next(w), w.postMessage(SPIN_MS)]).then(([r]) => r.rate);
    // Anything else running (the page, a compile, another tab) can only slow a spinner down, so
    // the fastest of a few rounds is the least disturbed one; the first round, still
    // interpreted rather than compiled, is only a warm-up.
    await Promise.all(workers.map(spin));
    let alone = 0;
    let together = 0;
    for (let round = 0; round < ROUNDS; round++) {
      alone = Math.max(alone, await spin(workers[0]));
      together = Math.max(together, (await Promise.all(workers.map(spin))).reduce((a, b) => a + b, 0));
    }
    const ratio = together / alone;
    // a core that gave less than 0.4 of one is not counted; noise from the rest of the page
    // (the main thread, a compile) then does not cost a real core
    return Math.max(1, Math.min(claimed, Math.floor(ratio + 0.6)));
  } finally {
    for (const w of workers) w.terminate();
  }
}
