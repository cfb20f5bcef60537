// The page's side of shared/page-spawn.js: starts the workers an engine worker asks for, relays
// their messages over the request's port, and stops them with the engine worker, so none
// outlives it (a crash's replacement, dispose()).
import { SPAWN, envelope } from '../shared/page-spawn.js';

/**
 * Makes the page start the workers `engine` asks for; `engine.terminate()` then stops them too.
 * @param {Worker} engine
 * @param {(url: string, options: WorkerOptions) => Worker} [start] how a worker is started (tests pass a fake)
 * @returns {Worker} engine
 */
export function hostWorkersOf(engine, start = (url, options) => new Worker(url, options)) {
  const started = new Map(); // worker → its port
  engine.addEventListener('message', (e) => {
    const ask = e.data?.[SPAWN];
    if (!ask || !e.ports[0]) return;
    const port = e.ports[0];
    let worker;
    try {
      worker = start(ask.url, ask.options);
    } catch (err) {
      port.postMessage(envelope.error(`the page could not start a worker: ${err?.message ?? err}`));
      port.close();
      return;
    }
    started.set(worker, port);
    worker.onmessage = ({ data }) => port.postMessage(envelope.data(data));
    worker.onerror = (ev) => {
      ev.preventDefault();
      port.postMessage(envelope.error(ev.message || 'the worker failed to start'));
    };
    port.onmessage = ({ data }) => {
      if (data.terminate) {
        worker.terminate();
        started.delete(worker);
        port.close();
      } else worker.postMessage(data.data);
    };
  });
  const stop = engine.terminate.bind(engine);
  engine.terminate = () => {
    stop();
    for (const [w, port] of started) {
      w.terminate();
      port.close();
    }
    started.clear();
  };
  return engine;
}
