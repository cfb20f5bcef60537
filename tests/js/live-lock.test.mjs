// The model's Web Lock (www/src/shared/live-lock.js), in Node: the lock manager is a fake with
// the Web Locks semantics the module uses (one holder per name, waiters in order, `signal`
// aborts a wait, `steal` takes the lock); the heartbeats cross Node's real BroadcastChannel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withLiveLock } from '../../www/src/shared/live-lock.js';

class FakeLocks {
  #held = new Map(); // name -> promise of the holder's end
  async request(name, options, fn) {
    const { signal, steal } = options;
    while (this.#held.has(name) && !steal) {
      const end = this.#held.get(name);
      const aborted = new Promise((_, reject) => {
        if (signal?.aborted) reject(new DOMException('aborted', 'AbortError'));
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
      await Promise.race([end, aborted]);
    }
    const run = Promise.resolve().then(fn);
    const end = run.then(
      () => {},
      () => {},
    );
    this.#held.set(name, end);
    end.then(() => this.#held.get(name) === end && this.#held.delete(name));
    return run;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withLocks(fn, locks = new FakeLocks()) {
  return async () => {
    const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true });
    try {
      await fn();
    } finally {
      if (had) Object.defineProperty(globalThis, 'navigator', had);
      else delete globalThis.navigator;
    }
  };
}

test(
  'a holder that went quiet (frozen in the back-forward cache) does not block a waiter: it runs without the lock',
  withLocks(async () => {
    // a frozen page's worker: holds the lock and says nothing, for ever (here: for the test)
    let thaw;
    const frozen = navigator.locks.request('m', {}, () => new Promise((r) => (thaw = r)));
    const t0 = Date.now();
    let unlocked = 0;
    const v = await withLiveLock('m', async () => 'ran', { quietMs: 150, onUnlocked: () => unlocked++ });
    const waited = Date.now() - t0;
    assert.equal(v, 'ran');
    assert.equal(unlocked, 1, 'the waiter says it ran without the lock');
    assert.ok(waited >= 140 && waited < 2000, `waited ${waited} ms for a quiet holder (quietMs 150)`);
    thaw();
    await frozen;
  }),
);

test(
  'a live holder (a slow download in another tab) keeps its waiter waiting past the quiet time: one at a time',
  withLocks(async () => {
    const order = [];
    const holder = withLiveLock(
      'm',
      async () => {
        order.push('holder start');
        await sleep(600); // four quiet periods, heartbeats every 30 ms
        order.push('holder end');
      },
      { quietMs: 150, heartbeatMs: 30 },
    );
    await sleep(20); // the holder has the lock
    let unlocked = 0;
    const waiter = withLiveLock('m', async () => order.push('waiter'), { quietMs: 150, onUnlocked: () => unlocked++ });
    await Promise.all([holder, waiter]);
    assert.deepEqual(order, ['holder start', 'holder end', 'waiter']);
    assert.equal(unlocked, 0, 'the waiter had the lock');
  }),
);

test(
  'steal takes the lock from a quiet holder at once',
  withLocks(async () => {
    navigator.locks.request('m', {}, () => new Promise(() => {}));
    const t0 = Date.now();
    const v = await withLiveLock('m', async () => 'stolen', { steal: true, quietMs: 10_000 });
    assert.equal(v, 'stolen');
    assert.ok(Date.now() - t0 < 1000);
  }),
);

test('an error of the holder reaches the caller, and the lock is free after it', withLocks(async () => {
  await assert.rejects(
    withLiveLock('m', async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  let unlocked = 0;
  assert.equal(await withLiveLock('m', async () => 2, { quietMs: 100, onUnlocked: () => unlocked++ }), 2);
  assert.equal(unlocked, 0);
}));

test(
  'without Web Locks the function just runs',
  withLocks(async () => {
    assert.equal(await withLiveLock('m', async () => 3), 3);
  }, null),
);
