// Test hooks, served first in every page by www/serve.mjs's `inject` (tools/browsers.mjs), so
// they work alike in every engine, drivers without init scripts included. Never shipped.
(() => {
  // uncaught errors and unhandled rejections, kept across reloads of the tab
  const KEY = 'effnet-test:errors';
  const read = () => {
    try {
      return JSON.parse(sessionStorage.getItem(KEY) || '[]');
    } catch {
      return [];
    }
  };
  const note = (line) => {
    const all = read();
    all.push(`${location.pathname}: ${line}`);
    try {
      sessionStorage.setItem(KEY, JSON.stringify(all));
    } catch {
      // storage refused: the page's own list still has it
    }
    pageList.push(line);
  };
  const pageList = [];
  addEventListener('error', (e) => note(`uncaught ${e.error?.name ?? 'error'}: ${e.message}`));
  addEventListener('unhandledrejection', (e) => note(`unhandled rejection: ${e.reason?.name ?? ''}: ${e.reason?.message ?? e.reason}`));
  // the library's worker restarts (client/classifier.js warns of each): a page error, unless the
  // test caused it (effnetTestCauseRestarts(n) before arming n traps), since a recovered
  // restart hides a defect from every test that looks only at the results
  let caused = 0;
  globalThis.effnetTestCauseRestarts = (n) => (caused += n);
  const warn = console.warn;
  console.warn = (...args) => {
    if (typeof args[0] === 'string' && args[0].startsWith('effnet-wasm: the classifier worker was replaced')) {
      // passed on marked, so that a driver watching the console (tools/chromium.mjs) lets it be
      if (caused > 0) {
        caused--;
        args[0] = `[caused by the test] ${args[0]}`;
      } else note(`restart not caused by the test: ${args[0]}`);
    }
    warn.apply(console, args);
  };
  globalThis.effnetTestErrors = () => [...new Set([...read(), ...pageList.map((l) => `${location.pathname}: ${l}`)])];

  // object URLs created and not revoked
  const live = new Set();
  const create = URL.createObjectURL;
  const revoke = URL.revokeObjectURL;
  URL.createObjectURL = (o) => {
    const u = create(o);
    live.add(u);
    return u;
  };
  URL.revokeObjectURL = (u) => {
    live.delete(u);
    revoke(u);
  };
  globalThis.liveObjectUrls = () => live.size;

  // the library's workers, for a test to reach the one in use (its name is the library's)
  const NativeWorker = globalThis.Worker;
  globalThis.effnetTestWorkers = [];
  globalThis.Worker = class extends NativeWorker {
    constructor(url, options) {
      super(url, options);
      if (options?.name === 'effnet-wasm') globalThis.effnetTestWorkers.push(this);
    }
  };

  // #refuse-blobs: IndexedDB refusing values that hold a Blob, as WebKit's in-memory
  // databases do (its ephemeral sessions, private browsing, automation)
  if (/refuse-blobs/.test(location.hash)) {
    const holdsBlob = (v) => v instanceof Blob || (v && typeof v === 'object' && Object.values(v).some((x) => x instanceof Blob));
    for (const method of ['put', 'add']) {
      const original = IDBObjectStore.prototype[method];
      IDBObjectStore.prototype[method] = function (value, ...rest) {
        if (holdsBlob(value)) throw new DOMException('Error preparing Blob/File data to be stored in object store', 'UnknownError');
        return original.call(this, value, ...rest);
      };
    }
  }
})();
