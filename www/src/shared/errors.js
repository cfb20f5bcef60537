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

/**
 * Errors from wasm (their `name` is a code) or from a worker (cloned) become EffnetErrors.
 * @param {() => string | undefined} [trapReason] reads why a trapped instance trapped (the wasm
 *   build's `lastTrap`: a panic's message, a failed allocation)
 */
export function toEffnetError(e, trapReason) {
  if (e instanceof EffnetError) return e;
  // a wasm trap (a Rust panic, a failed allocation) leaves the instance unusable: the worker
  // must be replaced; the Rust side kept the reason, since the trap itself says only "unreachable"
  if (e?.name === 'RuntimeError') {
    let why;
    try {
      why = trapReason?.();
    } catch {
      why = undefined; // an instance too broken to say
    }
    const message = why ? `the engine trapped (${e.message}): ${why}` : `the engine trapped: ${e.message}`;
    return new EffnetError(ErrorCode.WORKER_CRASHED, message, { cause: e });
  }
  const code = e?.code in ErrorCode ? e.code : e?.name in ErrorCode ? e.name : ErrorCode.INFERENCE;
  return new EffnetError(code, e?.message ?? String(e), { cause: e });
}

/** Across a comlink boundary only name and message survive: carry the code in the name. */
export function forTransfer(e, trapReason) {
  const err = toEffnetError(e, trapReason);
  const out = new Error(err.message);
  out.name = err.code;
  return out;
}
