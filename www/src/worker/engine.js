// One loaded model in one wasm instance: pixels -> preprocess -> tract -> categories, timed.
import { EffnetError, ErrorCode, toEffnetError } from '../shared/errors.js';

export class Engine {
  constructor(wasm, entry, modelBytes, { verify = false } = {}) {
    // everything but the model bytes that Rust needs is in the manifest entry
    const { id, file, sha256, bytes, input, preprocess, output } = entry;
    try {
      this.clf = new wasm.WasmClassifier(
        JSON.stringify({ id, file, sha256, bytes, input, preprocess, output }),
        new Uint8Array(modelBytes),
        verify,
      );
    } catch (e) {
      throw toEffnetError(e);
    }
  }

  /** @param {{data: Uint8ClampedArray|Uint8Array, width: number, height: number}} px */
  classify(px, filter, now = () => performance.now()) {
    const t0 = now();
    try {
      this.clf.preprocess(px.data, px.width, px.height);
      const t1 = now();
      this.clf.infer();
      const t2 = now();
      const categories = JSON.parse(this.clf.categories(JSON.stringify(filter)));
      return { categories, timing: { preprocessMs: t1 - t0, inferenceMs: t2 - t1, totalMs: now() - t0 } };
    } catch (e) {
      throw toEffnetError(e);
    }
  }

  profile() {
    return JSON.parse(this.clf.profile());
  }

  free() {
    this.clf?.free();
    this.clf = null;
  }
}

export function checkFilter(options = {}) {
  const known = ['maxResults', 'scoreThreshold', 'categoryAllowlist', 'categoryDenylist'];
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new EffnetError(ErrorCode.BAD_OPTIONS, `unknown classify option '${k}' (known: ${known.join(', ')})`);
  }
  const { maxResults = 5, scoreThreshold = 0, categoryAllowlist = [], categoryDenylist = [] } = options;
  if (!(Number.isInteger(maxResults) && maxResults >= 0) && maxResults !== -1) {
    throw new EffnetError(ErrorCode.BAD_OPTIONS, `maxResults must be a non-negative integer or -1 (all), not ${maxResults}`);
  }
  return {
    maxResults: maxResults === -1 ? 1_000_000 : maxResults,
    scoreThreshold,
    categoryAllowlist,
    categoryDenylist,
  };
}
