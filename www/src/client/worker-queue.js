// The classifier's worker behind a queue: one call at a time, in call order. A worker that dies
// (its 'error' event: a crash, out of memory) or traps is replaced, and the call in it (or the
// start) runs once more in the fresh one: a rare trap (WebKit's, 3 in ~700 fresh instances,
// docs/performance.md) then costs a restart, not a result. A second failure of the same call
// rejects it with WORKER_CRASHED. Each restart is recorded (`restarts`). The worker comes from
// a factory, so tests/js/client-queue.test.mjs can drive all this in Node with a fake.
import * as Comlink from 'comlink';
import { EffnetError, ErrorCode, toEffnetError } from '../shared/errors.js';

/** Workers tried, one after another, while each hangs starting. */
export const START_ATTEMPTS = 3;

/** Times a call (or a start) that crashed or trapped its worker is run again in a fresh one. */
export const CRASH_RETRIES = 1;

/** A worker plus what it takes to bring one back after a crash. */
class WorkerHandle {
  constructor(worker, onCrash) {
    this.worker = worker;
    this.api = Comlink.wrap(worker);
    this.crashed = new Promise((_, reject) => {
      this.fail = reject;
    });
    this.crashed.catch(() => {});
    worker.addEventListener('error', (e) => {
      e.preventDefault?.();
      onCrash(e.message || 'uncaught error');
    });
  }

  /** Runs `fn(api)`, rejecting at once if the worker dies meanwhile. */
  call(fn) {
    return Promise.race([fn(this.api), this.crashed]);
  }

  /** Stops the worker; calls in flight reject with `error`. Idempotent. */
  terminate(error) {
    if (this.stopped) return;
    this.stopped = true;
    this.fail(error);
    this.api[Comlink.releaseProxy]?.();
    this.worker.terminate();
  }
}

export class WorkerQueue {
  #spawn;
  #boot;
  #handle = null;
  #tail = Promise.resolve();
  #disposed = false;
  #onRestart;
  /** what `boot` returned for the current worker */
  booted;
  /** @type {{reason: string, during: 'start' | 'call', retried: boolean, hung?: true}[]} workers replaced after a crash, a trap or a hung start (`hung`) */
  restarts = [];

  /**
   * @param {() => Worker} spawn starts a worker (anything comlink can wrap, with terminate())
   * @param {(call: (fn: (api: object) => Promise<unknown>) => Promise<unknown>, o: {attempt: number}) => Promise<unknown>} boot
   *   readies each fresh worker (init, load) through `call`; `attempt`: counts the hung starts
   *   before it (1: none)
   * @param {{onRestart?: (r: {reason: string, during: 'start' | 'call', retried: boolean, hung?: true}) => void}} [o]
   *   onRestart: told of each restart as it is recorded
   */
  constructor(spawn, boot, { onRestart = () => {} } = {}) {
    this.#spawn = spawn;
    this.#boot = boot;
    this.#onRestart = onRestart;
  }

  #restarted(r) {
    this.restarts.push(r);
    this.#onRestart({ ...r });
  }

  get disposed() {
    return this.#disposed;
  }

  /** Starts and boots a worker now; create() reports what goes wrong. A worker that hung
   *  starting (boot's WORKER_CRASHED marked `hung`) is replaced, twice at most: boot is told
   *  which attempt it makes, so the last can avoid what hangs (client/classifier.js). */
  async start() {
    let retries = CRASH_RETRIES;
    for (let attempt = 1; ; ) {
      try {
        return await this.#startOne(attempt);
      } catch (e) {
        if (e.code !== ErrorCode.WORKER_CRASHED) throw e;
        if (e.hung) {
          this.#restarted({ reason: e.message, during: 'start', retried: attempt < START_ATTEMPTS, hung: true });
          if (attempt === START_ATTEMPTS) throw e;
          attempt++;
        } else {
          // a trap while loading the model: once more in a fresh worker
          this.#restarted({ reason: e.message, during: 'start', retried: retries > 0 });
          if (retries-- === 0) throw e;
        }
      }
    }
  }

  async #startOne(attempt = 1) {
    const handle = new WorkerHandle(this.#spawn(), (why) => this.#crash(handle, why));
    this.#handle = handle;
    try {
      this.booted = await this.#boot((fn) => handle.call(fn), { attempt });
    } catch (e) {
      const err = toEffnetError(e);
      if (e?.hung) err.hung = true;
      handle.terminate(err);
      if (this.#handle === handle) this.#handle = null;
      throw err;
    }
  }

  /**
   * Runs `fn(api, attempt)` after every earlier call, in a worker booted for it if the last one
   * died; if this one dies or traps in it, `fn` runs `retries` more times, each in a fresh worker.
   */
  run(fn, { retries = CRASH_RETRIES } = {}) {
    const run = this.#tail.then(async () => {
      for (let attempt = 1; ; attempt++) {
        if (this.#disposed) throw new EffnetError(ErrorCode.DISPOSED, 'the classifier was disposed');
        if (!this.#handle) await this.start();
        const handle = this.#handle;
        try {
          return await handle.call((api) => fn(api, attempt));
        } catch (e) {
          const err = toEffnetError(e);
          if (err.code !== ErrorCode.WORKER_CRASHED || this.#disposed) throw err;
          // a trapped wasm instance is as dead as the worker: replaced
          this.#crash(handle, err.message);
          this.#restarted({ reason: err.message, during: 'call', retried: attempt <= retries });
          if (attempt > retries) throw err;
        }
      }
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Stops the worker: the call in it and every later one reject with DISPOSED. */
  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#handle?.terminate(new EffnetError(ErrorCode.DISPOSED, 'the classifier was disposed'));
    this.#handle = null;
  }

  #crash(handle, why) {
    handle.terminate(new EffnetError(ErrorCode.WORKER_CRASHED, `the classifier worker stopped: ${why}`));
    if (this.#handle === handle) this.#handle = null; // the next call starts a fresh worker
  }
}
