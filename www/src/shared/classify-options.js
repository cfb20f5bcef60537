// Classify options, checked and defaulted once on each host, before the image is converted
// (the browser's client, Node's classify). `filter` is exactly the JSON the wasm takes
// (crate/src/postprocess.rs `Filter`: every field, no defaults there); only whether the
// category names exist is left to the wasm (`checkFilter`), which has the labels.
import { EffnetError, ErrorCode } from './errors.js';

const DEFAULTS = { maxResults: 5, scoreThreshold: 0, categoryAllowlist: [], categoryDenylist: [], withProbabilities: false, withEmbedding: false, decode: 'exact', thumbnailWidth: 0 };
// embed(): MediaPipe ImageEmbedder's defaults
const EMBED_DEFAULTS = { l2Normalize: true, quantize: false, decode: 'exact' };
// 'fast': a JPEG decoded at 1/2, 1/4 or 1/8 of its size (shared/open-image.js); 'exact': in full
const DECODES = ['fast', 'exact'];
// a JPEG thumbnail made in the worker from the pixels it decoded (no second decode)
const MAX_THUMBNAIL = 1024;
// wasm32's usize: any larger count already means every class
const MAX_COUNT = 2 ** 32 - 1;

const bad = (message) => new EffnetError(ErrorCode.BAD_OPTIONS, message);
const show = (v) => (typeof v === 'string' ? `'${v}'` : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
const isNames = (v) => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** `options` over `defaults`, refusing what is not an object and unknown keys. */
function withDefaults(what, options, defaults) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw bad(`${what} options must be an object, not ${show(options)}`);
  }
  const known = Object.keys(defaults);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw bad(`unknown ${what} option '${key}' (known: ${known.join(', ')})`);
  }
  // an option given as undefined takes its default, as a missing one does
  return { ...defaults, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
}

const checkBoolean = (key, v) => {
  if (typeof v !== 'boolean') throw bad(`${key} must be true or false, not ${show(v)}`);
};

/**
 * @param {import('../index.d.ts').ClassifyOptions} [options]
 * @returns {{filter: {maxResults: number|null, scoreThreshold: number, categoryAllowlist: string[], categoryDenylist: string[]}, withProbabilities: boolean, withEmbedding: boolean, decode: 'fast'|'exact', thumbnailWidth: number}}
 *   maxResults null: every category
 */
export function classifyOptions(options = {}) {
  const o = withDefaults('classify', options, DEFAULTS);
  const { maxResults, scoreThreshold, categoryAllowlist, categoryDenylist, withProbabilities, withEmbedding, decode, thumbnailWidth } = o;
  if (!(Number.isSafeInteger(maxResults) && maxResults >= -1)) {
    throw bad(`maxResults must be a non-negative integer or -1 (all), not ${show(maxResults)}`);
  }
  if (!(typeof scoreThreshold === 'number' && scoreThreshold >= 0 && scoreThreshold <= 1)) {
    throw bad(`scoreThreshold must be a number in [0, 1], not ${show(scoreThreshold)}`);
  }
  for (const [key, list] of [['categoryAllowlist', categoryAllowlist], ['categoryDenylist', categoryDenylist]]) {
    if (!isNames(list)) throw bad(`${key} must be an array of strings, not ${show(list)}`);
  }
  if (categoryAllowlist.length && categoryDenylist.length) {
    throw bad('categoryAllowlist and categoryDenylist are mutually exclusive');
  }
  checkBoolean('withProbabilities', withProbabilities);
  checkBoolean('withEmbedding', withEmbedding);
  if (!DECODES.includes(decode)) throw bad(`decode must be 'fast' or 'exact', not ${show(decode)}`);
  if (!(Number.isSafeInteger(thumbnailWidth) && thumbnailWidth >= 0 && thumbnailWidth <= MAX_THUMBNAIL)) {
    throw bad(`thumbnailWidth must be an integer in [0, ${MAX_THUMBNAIL}] (0: none), not ${show(thumbnailWidth)}`);
  }
  return {
    filter: { maxResults: maxResults === -1 ? null : Math.min(maxResults, MAX_COUNT), scoreThreshold, categoryAllowlist, categoryDenylist },
    withProbabilities,
    withEmbedding,
    decode,
    thumbnailWidth,
  };
}

/**
 * @param {import('../index.d.ts').EmbedOptions} [options]
 * @returns {{l2Normalize: boolean, quantize: boolean, decode: 'fast'|'exact'}}
 */
export function embedOptions(options = {}) {
  const { l2Normalize, quantize, decode } = withDefaults('embed', options, EMBED_DEFAULTS);
  checkBoolean('l2Normalize', l2Normalize);
  checkBoolean('quantize', quantize);
  // the bytes are the unit vector's values times 127: a raw vector would not fit them
  if (quantize && !l2Normalize) throw bad('quantize: true needs l2Normalize: true (the bytes are the L2-normalised values times 127)');
  if (!DECODES.includes(decode)) throw bad(`decode must be 'fast' or 'exact', not ${show(decode)}`);
  return { l2Normalize, quantize, decode };
}
