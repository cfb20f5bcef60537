// The model's Web Lock (www/src/shared/live-lock.js), in Node: the lock manager is a fake with
// the Web Locks semantics the module uses (one holder per name, waiters in order, `signal`
// aborts a wait, `steal` takes the lock); the heartbeats cross Node's real BroadcastChannel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withLiveLock } from '../../www/src/shared/live-lock.js';

class FakeLocks {
  #held = new Map(); // name -> the holder's token
  #changed = new EventTarget(); // 'change': a lock was released or taken
  async request(name, options, fn) {
    const { signal, steal } = options;
    while (this.#held.has(name) && !steal) {
      await new Promise((resolve, reject) => {
        const abort = () => reject(new DOMException('aborted', 'AbortError'));
        if (signal?.aborted) return abort();
        signal?.addEventListener('abort', abort, { once: true });
        this.#changed.addEventListener('change', resolve, { once: true });
      });
    }
    const token = {};
    this.#held.set(name, token);
    this.#changed.dispatchEvent(new Event('change'));
    try {
      return await fn();
    } finally {
      // a holder whose lock was stolen releases nothing
      if (this.#held.get(name) === token) {
        this.#held.delete(name);
        this.#changed.dispatchEvent(new Event('change'));
      }
    }
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
  'a holder that went quiet (frozen in the back-forward cache) loses the lock to a waiter, and the next waiter waits for that one',
  withLocks(async () => {
    // a frozen page's worker: holds the lock and says nothing, for ever (here: for the test)
    let thaw;
    navigator.locks.request('m', {}, () => new Promise((r) => (thaw = r))).catch(() => {});
    const t0 = Date.now();
    let stolen = 0;
    const order = [];
    const first = withLiveLock(
      'm',
      async () => {
        order.push(['first', Date.now() - t0]);
        await new Promise((r) => setTimeout(r, 300)); // two quiet periods, heartbeats every 30 ms
        order.push(['first done', Date.now() - t0]);
      },
      { quietMs: 150, heartbeatMs: 30, onStolen: () => stolen++ },
    );
    await new Promise((r) => setTimeout(r, 20));
    const second = withLiveLock('m', async () => order.push(['second', Date.now() - t0]), { quietMs: 150, onStolen: () => stolen++ });
    await Promise.all([first, second]);
    assert.equal(stolen, 1, `one steal, from the frozen holder: ${JSON.stringify(order)}`);
    assert.deepEqual(order.map(([what]) => what), ['first', 'first done', 'second'], 'the second waited for the live first');
    assert.ok(order[0][1] >= 140 && order[0][1] < 2000, `the first waited ${order[0][1]} ms for a quiet holder (quietMs 150)`);
    thaw();
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
    let stolen = 0;
    const waiter = withLiveLock('m', async () => order.push('waiter'), { quietMs: 150, onStolen: () => stolen++ });
    await Promise.all([holder, waiter]);
    assert.deepEqual(order, ['holder start', 'holder end', 'waiter']);
    assert.equal(stolen, 0, 'the live holder kept the lock');
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
  let stolen = 0;
  assert.equal(await withLiveLock('m', async () => 2, { quietMs: 100, onStolen: () => stolen++ }), 2);
  assert.equal(stolen, 0);
}));

test(
  'without Web Locks the function just runs',
  withLocks(async () => {
    assert.equal(await withLiveLock('m', async () => 3), 3);
  }, null),
);
