// One run at a time: photos picked or dropped during a run wait, in order, and are tagged
// after it. Cancel stops the run and drops what waits behind it. Pure: no DOM.
export class RunQueue {
  #run;
  #onQueued;
  #waiting = [];
  #current = null; // the running job's AbortController

  /**
   * @param {(job: any, signal: AbortSignal) => Promise<void>} run tags one job; its rejection is the caller's to handle inside it
   * @param {{onQueued?: (jobs: any[]) => void}} [o] told the waiting jobs whenever they change
   */
  constructor(run, { onQueued } = {}) {
    this.#run = run;
    this.#onQueued = onQueued;
  }

  get running() {
    return this.#current !== null;
  }

  /** Runs `job` now, or after the jobs before it; resolves when it ran (or was dropped by a cancel). */
  async add(job) {
    if (this.#current) {
      this.#waiting.push(job);
      this.#onQueued?.([...this.#waiting]);
      return;
    }
    for (let next = job; next !== undefined; next = this.#waiting.shift()) {
      if (next !== job) this.#onQueued?.([...this.#waiting]);
      this.#current = new AbortController();
      try {
        await this.#run(next, this.#current.signal);
      } finally {
        this.#current = null;
      }
    }
  }

  /** Stops the running job (its signal aborts) and drops the waiting ones. */
  cancel() {
    this.#waiting.length = 0;
    this.#onQueued?.([]);
    this.#current?.abort();
  }
}
