// The engine worker's workers started by the page (shared/page-spawn.js): worker/page-workers.js
// on the worker's side, client/worker-host.js on the page's, in Node. The engine worker's
// channel to the page is an EventTarget; the workers the page starts are fakes that answer each
// message, so every hop (worker → port → page → started worker and back) is the real code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageWorker } from '../../www/src/worker/page-workers.js';
import { hostWorkersOf } from '../../www/src/client/worker-host.js';

/** A worker the page starts: answers {echo} with {echoed, by}, {fail} with an error event. */
class Started extends EventTarget {
  onmessage = null;
  onerror = null;
  terminated = false;
  constructor(url, options) {
    super();
    this.url = url;
    this.options = options;
  }
  postMessage(data) {
    queueMicrotask(() => {
      if (this.terminated) return;
      if (data.fail) this.onerror?.(Object.assign(new Event('error', { cancelable: true }), { message: data.fail }));
      else this.onmessage?.({ data: { echoed: data.echo, by: this.url } });
    });
  }
  terminate() {
    this.terminated = true;
  }
}

/** The page's engine worker and, inside it, `self`: what one posts the other receives. */
function engineAndSelf({ refuse = false } = {}) {
  const started = [];
  const engine = Object.assign(new EventTarget(), { terminated: false });
  engine.terminate = () => (engine.terminated = true);
  hostWorkersOf(engine, (url, options) => {
    if (refuse) throw new Error('SecurityError: not allowed');
    const w = new Started(url, options);
    started.push(w);
    return w;
  });
  globalThis.self = {
    location: { href: 'https://example.test/dist/worker.js' },
    postMessage: (data, transfer) => engine.dispatchEvent(Object.assign(new Event('message'), { data, ports: transfer })),
  };
  return { engine, started };
}

const next = (w, kind = 'message') => new Promise((ok) => w.addEventListener(kind, ok, { once: true }));

test('a worker asked for inside the engine worker is started by the page, with its URL resolved there, and messages cross both ways', async () => {
  const { engine, started } = engineAndSelf();
  const w = new PageWorker('./helpers.js', { type: 'module', name: 'pool' });
  const viaProperty = new Promise((ok) => (w.onmessage = ok));
  // posted before the page has seen the request: queued on the port, not lost
  w.postMessage({ echo: 1 });
  const [e, p] = await Promise.all([next(w), viaProperty]);
  assert.deepEqual(e.data, { echoed: 1, by: 'https://example.test/dist/helpers.js' });
  assert.equal(p.data.echoed, 1);
  assert.equal(started.length, 1);
  assert.deepEqual(started[0].options, { type: 'module', name: 'pool' });
  w.terminate();
  engine.terminate();
});

test("a started worker's error reaches onerror and 'error' listeners; terminate() stops the page's worker", async () => {
  const { engine, started } = engineAndSelf();
  const w = new PageWorker('https://example.test/probe.js');
  const viaProperty = new Promise((ok) => (w.onerror = ok));
  w.postMessage({ fail: 'boom' });
  const [e, p] = await Promise.all([next(w, 'error'), viaProperty]);
  assert.equal(e.message, 'boom');
  assert.equal(p.message, 'boom');
  w.terminate();
  await new Promise((ok) => setTimeout(ok, 10));
  assert.equal(started[0].terminated, true);
  engine.terminate();
});

test('terminating the engine worker stops every worker the page started for it', async () => {
  const { engine, started } = engineAndSelf();
  const pool = [new PageWorker('a.js'), new PageWorker('b.js'), new PageWorker('c.js')];
  for (const w of pool) w.postMessage({ echo: 0 });
  await Promise.all(pool.map((w) => next(w)));
  assert.equal(started.length, 3);
  engine.terminate();
  assert.equal(engine.terminated, true, "the engine's own terminate still runs");
  assert.deepEqual(started.map((w) => w.terminated), [true, true, true]);
  for (const w of pool) w.terminate();
});

test("a worker the page cannot start is an error event naming why, not a hang", async () => {
  engineAndSelf({ refuse: true });
  const w = new PageWorker('x.js');
  const e = await next(w, 'error');
  assert.match(e.message, /^the page could not start a worker: SecurityError: not allowed$/);
  w.terminate();
});

test('messages that are not requests (comlink replies) are left alone', async () => {
  const { engine, started } = engineAndSelf();
  engine.dispatchEvent(Object.assign(new Event('message'), { data: { id: 'abc', type: 'RETURN' }, ports: [] }));
  engine.dispatchEvent(Object.assign(new Event('message'), { data: null, ports: [] }));
  assert.equal(started.length, 0);
});
