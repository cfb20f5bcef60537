// Typed errors: every failure the library reports is an EffnetError with a stable `code`.
// The codes and their meanings are one table that Rust (crate/src/error.rs), the types
// (index.d.ts) and README share; tests/js/error-codes.test.mjs and tests/rust/errors.rs
// hold them to it.
import meanings from './error-codes.json' with { type: 'json' };

export const ErrorCode = Object.freeze(Object.fromEntries(Object.keys(meanings).map((code) => [code, code])));

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
