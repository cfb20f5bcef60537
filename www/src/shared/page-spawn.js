// The message by which the engine worker asks the page to start a worker for it
// (worker/page-workers.js asks, client/worker-host.js starts it): no worker constructs a worker.
// Gecko's `new Worker()` inside a worker makes a synchronous round trip to the main thread, and
// now and then (Firefox ESR 153: 2 in 20 fresh pages) it never came back, leaving the thread
// pool's start hung. The page can start workers without that round trip.

/** Key of the request, sent on the engine worker's own channel with a MessagePort. */
export const SPAWN = 'effnet-spawn';

/**
 * What flows on the request's port, wrapped so control is never mistaken for data:
 * worker → page: {data} to post to the started worker, {terminate: true};
 * page → worker: {data} the started worker posted, {error} an error event's message.
 */
export const envelope = {
  data: (data) => ({ data }),
  terminate: () => ({ terminate: true }),
  error: (message) => ({ error: message }),
};
