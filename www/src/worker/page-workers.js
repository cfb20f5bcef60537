// Inside the engine worker, `Worker` stands for a worker the page starts (client/worker-host.js,
// shared/page-spawn.js says why): wasm-bindgen-rayon's thread pool and the core probe
// (worker/cores.js) construct them as usual. It is an EventTarget with the Worker's
// postMessage, terminate, onmessage and onerror; messages pass over a MessagePort to the page,
// which relays them to the real worker.
import { SPAWN, envelope } from '../shared/page-spawn.js';

export class PageWorker extends EventTarget {
  #port;
  onmessage = null;
  onerror = null;

  /**
   * @param {string | URL} url
   * @param {WorkerOptions} [options]
   */
  constructor(url, options = {}) {
    super();
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    port1.onmessage = ({ data }) => {
      if ('error' in data) {
        // an Event with the ErrorEvent's message: all that the starters read (and Node, where
        // this is tested, has no ErrorEvent)
        const e = Object.assign(new Event('error', { cancelable: true }), { message: data.error });
        this.onerror?.(e);
        this.dispatchEvent(e);
      } else {
        const e = new MessageEvent('message', { data: data.data });
        this.onmessage?.(e);
        this.dispatchEvent(e);
      }
    };
    // the URL resolved here, where a relative one means what its author meant
    const href = new URL(String(url), self.location.href).href;
    self.postMessage({ [SPAWN]: { url: href, options: { ...options } } }, [port2]);
  }

  postMessage(data, transfer = []) {
    this.#port.postMessage(envelope.data(data), transfer);
  }

  terminate() {
    this.#port.postMessage(envelope.terminate());
    this.#port.close();
  }
}

/** From now on, this worker's `new Worker()` asks the page (idempotent). */
export function workersFromPage() {
  if (globalThis.Worker !== PageWorker) globalThis.Worker = /** @type {any} */ (PageWorker);
}
