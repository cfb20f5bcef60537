// The classifier's worker behind a queue: one call at a time, in call order. A worker that dies
// (its 'error' event: a crash, out of memory) or traps rejects the call in it with
// WORKER_CRASHED, and the next call starts a fresh one. The worker comes from a factory, so
// tests/js/client-queue.test.mjs can drive all this in Node with a fake.
import * as Comlink from 'comlink';
import { EffnetError, ErrorCode, toEffnetError } from '../shared/errors.js';

/** Workers tried, one after another, while each hangs starting. */
export const START_ATTEMPTS = 3;

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
  /** what `boot` returned for the current worker */
  booted;

  /**
   * @param {() => Worker} spawn starts a worker (anything comlink can wrap, with terminate())
   * @param {(call: (fn: (api: object) => Promise<unknown>) => Promise<unknown>, o: {replacesHung: boolean, attempt: number}) => Promise<unknown>} boot
   *   readies each fresh worker (init, load) through `call`; `replacesHung`: this worker
   *   replaces one that hung starting (which may still hold what it took, e.g. a Web Lock)
   */
  constructor(spawn, boot) {
    this.#spawn = spawn;
    this.#boot = boot;
  }

  get disposed() {
    return this.#disposed;
  }

  /** Starts and boots a worker now; create() reports what goes wrong. A worker that hung
   *  starting (boot's WORKER_CRASHED marked `hung`) is replaced, twice at most: boot is told
   *  which attempt it makes, so the last can avoid what hangs (client/classifier.js). */
  async start() {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#startOne({ replacesHung: attempt > 1, attempt });
      } catch (e) {
        if (!(e.code === ErrorCode.WORKER_CRASHED && e.hung) || attempt === START_ATTEMPTS) throw e;
      }
    }
  }

  async #startOne({ replacesHung = false, attempt = 1 } = {}) {
    const handle = new WorkerHandle(this.#spawn(), (why) => this.#crash(handle, why));
    this.#handle = handle;
    try {
      this.booted = await this.#boot((fn) => handle.call(fn), { replacesHung, attempt });
    } catch (e) {
      const err = toEffnetError(e);
      if (e?.hung) err.hung = true;
      handle.terminate(err);
      if (this.#handle === handle) this.#handle = null;
      throw err;
    }
  }

  /** Runs `fn(api)` after every earlier call, in a worker booted for it if the last one died. */
  run(fn) {
    const run = this.#tail.then(async () => {
      if (this.#disposed) throw new EffnetError(ErrorCode.DISPOSED, 'the classifier was disposed');
      if (!this.#handle) await this.start();
      const handle = this.#handle;
      try {
        return await handle.call(fn);
      } catch (e) {
        const err = toEffnetError(e);
        // a trapped wasm instance is as dead as the worker: replaced by the next call
        if (err.code === ErrorCode.WORKER_CRASHED) this.#crash(handle, err.message);
        throw err;
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
