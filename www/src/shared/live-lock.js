// A Web Lock whose holder must show it is alive. A page in the back-forward cache is frozen
// with its workers, and a frozen worker keeps the locks it holds: WebKit kept the demo's
// worker, paused mid-download, holding the model's lock while the tagger's worker waited for
// it for ever. So the holder says it is alive on a BroadcastChannel of the lock's name while
// it holds the lock, and a waiter that hears nothing for `quietMs` takes the lock from it
// (steal): a frozen holder is not using what the lock guards, and the later waiters (the
// tagger's other engines) then wait for the live new holder, not for the frozen one. A live
// holder in another tab (a slow download, a compile) keeps its waiters waiting, so one
// download still serves every tab; one whose heartbeats are late costs a second download.

export const HEARTBEAT_MS = 400;
export const QUIET_MS = 2_000;

/**
 * Runs `fn` holding the Web Lock `name` (without it where there are no Web Locks), taken from
 * the current holder when that has said nothing for `quietMs` (frozen, or dead without
 * releasing it).
 * @template T
 * @param {string} name
 * @param {() => Promise<T>} fn
 * @param {{steal?: boolean, quietMs?: number, heartbeatMs?: number, onStolen?: () => void}} [o]
 *   steal: take the lock from its holder at once; onStolen: told when a quiet holder's lock was taken
 * @returns {Promise<T>}
 */
export async function withLiveLock(name, fn, { steal = false, quietMs = QUIET_MS, heartbeatMs = HEARTBEAT_MS, onStolen } = {}) {
  const locks = globalThis.navigator?.locks;
  if (!locks) return fn();
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : null;
  const waiting = new AbortController();
  let quiet;
  const arm = () => {
    clearTimeout(quiet);
    quiet = setTimeout(() => waiting.abort(), quietMs);
  };
  let granted = false;
  const held = async () => {
    granted = true;
    clearTimeout(quiet);
    if (channel) channel.onmessage = null;
    // at once: waiters that timed the holder before this one took over hear it now
    channel?.postMessage('alive');
    const beat = channel && setInterval(() => channel.postMessage('alive'), heartbeatMs);
    try {
      return await fn();
    } finally {
      clearInterval(beat);
    }
  };
  try {
    if (steal) return await locks.request(name, { steal: true }, held);
    if (channel) channel.onmessage = arm;
    arm();
    return await locks.request(name, { signal: waiting.signal }, held);
  } catch (e) {
    if (granted || !waiting.signal.aborted) throw e;
    onStolen?.();
    return await locks.request(name, { steal: true }, held);
  } finally {
    clearTimeout(quiet);
    channel?.close();
  }
}
