// Typed errors: every failure the library reports is an EffnetError with a stable `code`.

export const ErrorCode = Object.freeze({
  MODEL_NOT_FOUND: 'MODEL_NOT_FOUND', // no such model id in the manifest
  MODEL_FETCH: 'MODEL_FETCH', // the download failed (HTTP status, offline); names the URL
  MODEL_INTEGRITY: 'MODEL_INTEGRITY', // wrong size or sha256, or bytes tract cannot load
  UNSUPPORTED_BROWSER: 'UNSUPPORTED_BROWSER', // a required feature is missing; names it
  BAD_IMAGE: 'BAD_IMAGE', // undecodable, empty or unsupported image source
  BAD_OPTIONS: 'BAD_OPTIONS', // invalid create/classify options
  DISPOSED: 'DISPOSED', // the classifier was disposed
  WORKER_CRASHED: 'WORKER_CRASHED', // the worker died during the call; the next call restarts it
  INFERENCE: 'INFERENCE', // anything else inside the engine
});

export class EffnetError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'EffnetError';
    this.code = code;
  }
}

/** Errors from wasm (their `name` is a code) or from a worker (cloned) become EffnetErrors. */
export function toEffnetError(e) {
  if (e instanceof EffnetError) return e;
  // a wasm trap (a Rust panic) leaves the instance unusable: the worker must be replaced
  if (e?.name === 'RuntimeError') {
    return new EffnetError(ErrorCode.WORKER_CRASHED, `the engine trapped: ${e.message}`, { cause: e });
  }
  const code = e?.code in ErrorCode ? e.code : e?.name in ErrorCode ? e.name : ErrorCode.INFERENCE;
  return new EffnetError(code, e?.message ?? String(e), { cause: e });
}

/** Across a comlink boundary only name and message survive: carry the code in the name. */
export function forTransfer(e) {
  const err = toEffnetError(e);
  const out = new Error(err.message);
  out.name = err.code;
  return out;
}
