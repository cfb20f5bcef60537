// The browser client's call queue and crash handling (www/src/client/classifier.js and
// worker-queue.js), in Node: the worker is a fake, a comlink endpoint over a MessageChannel
// whose far side serves a scripted api, so calls cross comlink as they do in the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Comlink from 'comlink';
import { EffnetError, ErrorCode } from '../../www/src/shared/errors.js';
import { classifyOptions } from '../../www/src/shared/classify-options.js';
import { createClassifier } from '../../www/src/client/classifier.js';

/** Stands in for `new Worker(...)`: comlink talks to `api` through it; `crash()` fires 'error'. */
class FakeWorker extends EventTarget {
  terminated = false;
  constructor(api) {
    super();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.far = port2;
    port1.onmessage = (e) => this.dispatchEvent(new MessageEvent('message', { data: e.data }));
    Comlink.expose(api, port2);
  }
  postMessage(data, transfer) {
    this.port.postMessage(data, transfer);
  }
  terminate() {
    this.terminated = true;
    this.port.close();
    this.far.close();
  }
  /** An uncaught error in the worker, as the browser reports it on the Worker object. */
  crash(message) {
    this.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message }));
  }
}

/** A factory of fake workers; `classify(n, payload, options)` is worker n's (1-based) answer;
 *  `overrides` replace other methods of the api. */
function fakeWorkers(classify, overrides = {}) {
  const workers = [];
  const log = [];
  const spawn = () => {
    const n = workers.length + 1;
    const api = {
      init: async (threads) => ({ simd: true, relaxedSimd: false, threads: 1, build: `fake-${n}`, asked: threads }),
      load: async (entry, url) => {
        log.push(`${n}: load ${entry.id} from ${url.split('/').pop()}`);
        return { cached: false, stored: false, bytes: 1 };
      },
      classify: (payload, options) => classify(n, payload, options),
      profile: async () => [{ op: 'Conv', nodes: 1, ms: n }],
      ...overrides,
    };
    const w = new FakeWorker(api);
    workers.push(w);
    return w;
  };
  return { spawn, workers, log };
}

const pixels = (i) => ({ data: new Uint8ClampedArray([i, 0, 0, 255]), width: 1, height: 1 });
const answer = (n, payload) => ({ categories: [{ index: payload.data[0], label: `from ${n}`, score: 1 }], timing: {} });
const hasCode = (code, message = /./) => (e) => e instanceof EffnetError && e.code === code && message.test(e.message);
const later = (ms) => new Promise((r) => setTimeout(r, ms));

/** A promise and its resolve, to hold a fake call until the test lets it go. */
function gate() {
  let open;
  const promise = new Promise((r) => (open = r));
  return { promise, open };
}

test('create boots the worker (init, then load of the resolved model); calls run one at a time, in call order', async () => {
  let active = 0;
  let most = 0;
  const order = [];
  const fake = fakeWorkers(async (n, payload, options) => {
    const i = payload.data[0];
    order.push(`start ${i}`);
    most = Math.max(most, ++active);
    await later([30, 10, 0][i]); // the first is the slowest: a concurrent queue would finish it last
    active--;
    order.push(`end ${i}`);
    assert.deepEqual(options, classifyOptions({ maxResults: 1 }), 'the options arrive checked and defaulted');
    return answer(n, payload);
  });
  const clf = await createClassifier({ threads: 2 }, fake.spawn);
  assert.deepEqual(fake.log, ['1: load efficientnet-lite0 from efficientnet-lite0.onnx']);
  assert.equal(clf.backend.asked, 2);
  assert.deepEqual(clf.load, { cached: false, stored: false, bytes: 1 });
  const results = await Promise.all([0, 1, 2].map((i) => clf.classify(pixels(i), { maxResults: 1 })));
  assert.deepEqual(order, ['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  assert.equal(most, 1);
  assert.deepEqual(results.map((r) => r.categories[0].index), [0, 1, 2]);
  assert.equal(results[0].backend.build, 'fake-1');
  assert.deepEqual(await clf.profile(), [{ op: 'Conv', nodes: 1, ms: 1 }], 'profile goes through the same queue');
  clf.dispose();
});

test('bad classify options are refused before the image is converted or anything is sent', async () => {
  const fake = fakeWorkers(() => assert.fail('nothing reaches the worker'));
  const clf = await createClassifier({}, fake.spawn);
  // with no image at all: the options are what is reported, not the missing image
  await assert.rejects(clf.classify(null, { maxResult: 1 }), hasCode(ErrorCode.BAD_OPTIONS, /'maxResult'/));
  await assert.rejects(clf.classify(pixels(0), { scoreThreshold: 2 }), hasCode(ErrorCode.BAD_OPTIONS, /scoreThreshold/));
  await assert.rejects(clf.classify(null), hasCode(ErrorCode.BAD_IMAGE, /no image/));
  clf.dispose();
});

test('a worker that crashes is replaced: the call in it runs again in a fresh, booted worker, the queued one after it', async () => {
  const inFirst = gate();
  const fake = fakeWorkers(async (n, payload) => {
    if (n === 1) {
      inFirst.open();
      return new Promise(() => {}); // stuck until the worker dies
    }
    return answer(n, payload);
  });
  const clf = await createClassifier({}, fake.spawn);
  const first = clf.classify(pixels(0));
  const queued = clf.classify(pixels(1)); // behind the first, sent before the crash
  await inFirst.promise;
  const warned = [];
  const warn = console.warn;
  console.warn = (line) => warned.push(line);
  let r0;
  try {
    fake.workers[0].crash('Uncaught Error: boom');
    r0 = await first;
  } finally {
    console.warn = warn;
  }
  // recovered, but a developer hears of it (and the project's browser tests fail on it)
  assert.deepEqual(warned, ['effnet-wasm: the classifier worker was replaced (call, run again): the classifier worker stopped: Uncaught Error: boom']);
  assert.deepEqual([r0.categories[0].label, r0.categories[0].index], ['from 2', 0], 'the same image, in the fresh worker');
  assert.equal(fake.workers[0].terminated, true);
  const r = await queued;
  assert.equal(r.categories[0].label, 'from 2');
  assert.equal(fake.workers.length, 2);
  assert.deepEqual(fake.log, ['1: load efficientnet-lite0 from efficientnet-lite0.onnx', '2: load efficientnet-lite0 from efficientnet-lite0.onnx']);
  assert.equal(clf.backend.build, 'fake-2', "the fresh worker's backend");
  assert.deepEqual(clf.restarts, [{ reason: 'the classifier worker stopped: Uncaught Error: boom', during: 'call', retried: true }]);
  assert.equal((await clf.classify(pixels(2))).categories[0].label, 'from 2', 'and it stays');
  clf.dispose();
});

test('a trap inside the worker (WORKER_CRASHED from the call) replaces the worker and the call runs again; another error keeps it; a repeated trap rejects', async () => {
  const fake = fakeWorkers(async (n, payload) => {
    const i = payload.data[0];
    if (n === 1 && i === 0) throw Object.assign(new Error('not an image'), { name: ErrorCode.BAD_IMAGE });
    if ((n === 1 && i === 1) || i === 3) throw Object.assign(new Error(`the engine trapped: unreachable (${n})`), { name: ErrorCode.WORKER_CRASHED });
    return answer(n, payload);
  });
  const clf = await createClassifier({}, fake.spawn);
  await assert.rejects(clf.classify(pixels(0)), hasCode(ErrorCode.BAD_IMAGE));
  assert.equal(fake.workers.length, 1, 'a bad image keeps the worker');
  const r = await clf.classify(pixels(1));
  assert.deepEqual([r.categories[0].label, r.categories[0].index], ['from 2', 1]);
  assert.equal(fake.workers[0].terminated, true);
  // image 3 traps every worker: tried twice, then the caller's error
  await assert.rejects(clf.classify(pixels(3)), hasCode(ErrorCode.WORKER_CRASHED, /trapped: unreachable \(3\)/));
  assert.equal(fake.workers.length, 3);
  assert.deepEqual(clf.restarts.map((x) => [x.reason.slice(-3), x.during, x.retried]), [['(1)', 'call', true], ['(2)', 'call', true], ['(3)', 'call', false]]);
  assert.equal((await clf.classify(pixels(2))).categories[0].label, 'from 4', 'the next call, in a fresh worker');
  clf.dispose();
});

test('a trap while the worker loads the model: once more in a fresh worker; twice is the error', async () => {
  let traps = 1;
  const load = async () => {
    if (traps-- > 0) throw Object.assign(new Error('the engine trapped: Out of bounds memory access'), { name: ErrorCode.WORKER_CRASHED });
    return { cached: true, stored: true, bytes: 1 };
  };
  const fake = fakeWorkers(answer, { load });
  const clf = await createClassifier({}, fake.spawn);
  assert.equal(fake.workers.length, 2);
  assert.ok(fake.workers[0].terminated);
  assert.deepEqual(clf.restarts, [{ reason: 'the engine trapped: Out of bounds memory access', during: 'start', retried: true }]);
  assert.equal((await clf.classify(pixels(1))).categories[0].label, 'from 2');
  clf.dispose();
  traps = 2;
  await assert.rejects(createClassifier({}, fake.spawn), hasCode(ErrorCode.WORKER_CRASHED, /Out of bounds/));
  assert.equal(fake.workers.length, 4);
  assert.ok(fake.workers[3].terminated);
});

test('dispose terminates the worker: the call in it, the queued one and every later one reject with DISPOSED', async () => {
  const inFirst = gate();
  const fake = fakeWorkers(async () => {
    inFirst.open();
    return new Promise(() => {});
  });
  const clf = await createClassifier({}, fake.spawn);
  const first = clf.classify(pixels(0));
  const queued = clf.classify(pixels(1));
  await inFirst.promise;
  clf.dispose();
  await assert.rejects(first, hasCode(ErrorCode.DISPOSED));
  await assert.rejects(queued, hasCode(ErrorCode.DISPOSED));
  await assert.rejects(clf.classify(pixels(2)), hasCode(ErrorCode.DISPOSED));
  await assert.rejects(clf.profile(), hasCode(ErrorCode.DISPOSED));
  assert.equal(fake.workers[0].terminated, true);
  assert.equal(fake.workers.length, 1, 'no worker is started after dispose');
  clf.dispose(); // twice is fine
});

test('create rejects with the boot\'s error and terminates that worker', async () => {
  const fake = fakeWorkers(() => assert.fail('no classify'), {
    load: async () => {
      throw Object.assign(new Error('cannot fetch /models/x.onnx: HTTP 404'), { name: ErrorCode.MODEL_FETCH });
    },
  });
  await assert.rejects(createClassifier({}, fake.spawn), hasCode(ErrorCode.MODEL_FETCH, /404/));
  assert.equal(fake.workers.length, 1);
  assert.equal(fake.workers[0].terminated, true);
});

test("the start's watchdog: progress keeps a slow start alive; a thread pool that does not start is replaced on its own, shorter clock", async () => {
  let fake;
  const seen = [];
  // worker 1: a slow download (an event every 20 ms for 600 ms, past the 250 ms quiet limit), then
  // its pool hangs; worker 2: its pool starts in 10 ms. The limits leave a loaded one-core
  // machine room: a timer late by 200 ms would still not trip them
  const init = async (threads, options, progress, stage) => {
    const n = fake.workers.length;
    if (n === 1) {
      for (let i = 0; i < 30; i++) {
        await later(20);
        await progress({ phase: 'download', loadedBytes: i, totalBytes: 30, resource: 'wasm' });
      }
    }
    await stage('pool');
    if (n === 1) return new Promise(() => {});
    await later(10);
    stage('pool-ready');
    return { simd: true, relaxedSimd: false, threads: 2, build: `fake-${n}`, asked: threads };
  };
  fake = fakeWorkers(answer, { init });
  const t0 = Date.now();
  const clf = await createClassifier({ onProgress: (e) => seen.push(e.loadedBytes) }, fake.spawn, { startTimeoutMs: 250, poolStartTimeoutMs: 200 });
  const ms = Date.now() - t0;
  assert.equal(seen.length, 30, 'every download event reached onProgress');
  assert.deepEqual(clf.restarts, [{ reason: 'the classifier worker did not start its thread pool within 0.2 s', during: 'start', retried: true, hung: true }]);
  assert.equal(clf.backend.build, 'fake-2');
  assert.ok(ms >= 600 && ms < 3000, `${ms} ms: the slow download was waited for, the hung pool was not`);
  assert.equal((await clf.classify(pixels(1))).categories[0].label, 'from 2');
  clf.dispose();
});

test('an unknown model is refused before any worker starts', async () => {
  const fake = fakeWorkers(() => assert.fail('no classify'));
  await assert.rejects(createClassifier({ model: 'nope' }, fake.spawn), hasCode(ErrorCode.MODEL_NOT_FOUND));
  assert.equal(fake.workers.length, 0);
});

test('a worker that never finishes starting its runtime is replaced; after two hung starts the third has no thread pool; a third hang is a WORKER_CRASHED saying so', async () => {
  const hangs = new Set([1]);
  let fake;
  const init = async (threads) => {
    const n = fake.workers.length; // the worker being booted is the newest
    if (hangs.has(n)) return new Promise(() => {});
    return { simd: true, relaxedSimd: false, threads: 1, build: `fake-${n}`, asked: threads };
  };
  const load = async () => ({ cached: false, stored: false, bytes: 1 });
  fake = fakeWorkers(answer, { init, load });
  const clf = await createClassifier({}, fake.spawn, { startTimeoutMs: 250 });
  assert.equal(fake.workers.length, 2);
  assert.ok(fake.workers[0].terminated, 'the hung worker is terminated');
  assert.equal(clf.backend.build, 'fake-2');
  assert.deepEqual(clf.restarts, [{ reason: 'the classifier worker did not start its wasm runtime: no progress within 0.25 s', during: 'start', retried: true, hung: true }]);
  assert.equal((await clf.classify(pixels(1))).categories[0].label, 'from 2');
  // after a crash, the next call's fresh worker hangs too: that call goes on in another one
  hangs.add(3);
  fake.workers[1].crash('gone');
  assert.equal((await clf.classify(pixels(1))).categories[0].label, 'from 4');
  assert.ok(fake.workers[2].terminated, 'the hung worker is terminated');
  clf.dispose();

  // two threaded starts hang: the third worker starts without a thread pool, and says why
  hangs.add(5).add(6);
  const single = await createClassifier({}, fake.spawn, { startTimeoutMs: 250 });
  assert.equal(fake.workers.length, 7);
  assert.equal(single.backend.asked, 1);
  assert.match(single.backend.threadsReason, /^two threaded starts hung .*: this worker runs without one$/);
  assert.equal((await single.classify(pixels(1))).categories[0].label, 'from 7');
  single.dispose();

  hangs.add(8).add(9).add(10);
  await assert.rejects(createClassifier({}, fake.spawn, { startTimeoutMs: 250 }), hasCode(ErrorCode.WORKER_CRASHED, /did not start its wasm runtime: no progress within 0.25 s/));
  assert.equal(fake.workers.length, 10, 'two retries, no more');
  assert.ok([7, 8, 9].every((i) => fake.workers[i].terminated));
});
