// A model entry checked as Rust reads it (crate/src/manifest/: serde's types, then
// `ModelEntry::validate`; the label sets of crate/src/labels.rs), so that a bad entry is named
// before anything is downloaded instead of failing in wasm afterwards. The browser resolves the
// model on the main thread, where no wasm runs, hence these rules in JS;
// tests/js/model-entry.test.mjs runs bad entries through both and asserts they name one field.
import manifest from '../../../models/manifest.json' with { type: 'json' };

const U32_MAX = 2 ** 32 - 1;

const show = (v) => {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
};
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isInt = (v, max) => Number.isInteger(v) && v >= 0 && v <= max;

// A field's rule: [test, what a valid value is, may it be absent]. Rust's `Option`s may also
// be null; a defaulted `String` (file) may be absent but not null.
const need = (test, what) => [test, what, false];
const absentOr = ([test, what]) => [test, what, true];
const nullable = ([test, what]) => [(v) => v === null || test(v), `${what} or null`, true];
const oneOf = (...values) => need((v) => values.includes(v), `one of ${values.map(show).join(', ')}`);
const string = need((v) => typeof v === 'string', 'a string');
const three = (test, what) => need((v) => Array.isArray(v) && v.length === 3 && v.every(test), `3 ${what}`);

// What crosses to Rust (www/src/shared/model-session.js sends these fields), section by section.
const RULES = {
  '': {
    name: nullable(string),
    file: absentOr(string),
    sha256: nullable(string),
    bytes: nullable(need((v) => isInt(v, Number.MAX_SAFE_INTEGER), 'an integer >= 0')),
  },
  input: {
    name: string,
    shape: need((v) => Array.isArray(v) && v.every((d) => isInt(d, Number.MAX_SAFE_INTEGER)), 'an array of integers >= 0'),
    layout: oneOf('NCHW', 'NHWC'),
  },
  preprocess: {
    size: need((v) => isInt(v, U32_MAX) && v > 0, `an integer in [1, ${U32_MAX}]`),
    resize: oneOf('shortSideThenCenterCrop', 'centerCropThenResize'),
    cropPct: nullable(need(Number.isFinite, 'a number')),
    cropPadding: nullable(need((v) => isInt(v, U32_MAX), 'an integer >= 0')),
    interpolation: oneOf('bicubic', 'bilinear'),
    valueRange: need((v) => Number.isFinite(v) && v > 0, 'a finite number > 0'),
    mean: three(Number.isFinite, 'finite numbers'),
    std: three((s) => Number.isFinite(s) && s !== 0, 'finite non-zero numbers'),
    channelOrder: oneOf('RGB', 'BGR'),
  },
  output: {
    name: string,
    kind: oneOf('logits', 'probabilities'),
    labels: oneOf(...Object.keys(manifest.labelSets)),
    // checked field by field below (EMBEDDING)
    embedding: nullable(need(isObject, 'an object')),
  },
};

// output.embedding, Rust's `EmbeddingSpec`: which graph output is the embedding, and its length
const EMBEDDING = {
  name: string,
  size: need((v) => isInt(v, U32_MAX) && v > 0, `an integer in [1, ${U32_MAX}]`),
};

// each resize mode's own crop parameter, which the other mode must not have
const CROP = { shortSideThenCenterCrop: 'cropPct', centerCropThenResize: 'cropPadding' };

/** What is wrong with `entry`, as `<field> <problem>` (`preprocess.cropPct must be in (0, 1], got 2`), or null. */
export function entryProblem(entry) {
  for (const [section, rules] of Object.entries(RULES)) {
    const at = (key) => (section ? `${section}.${key}` : key);
    const obj = section ? entry[section] : entry;
    if (obj === undefined) return `${section} is missing`;
    if (!isObject(obj)) return `${section || 'the entry'} must be an object, got ${show(obj)}`;
    for (const [key, [test, what, mayBeAbsent]] of Object.entries(rules)) {
      if (obj[key] === undefined) {
        if (!mayBeAbsent) return `${at(key)} is missing`;
      } else if (!test(obj[key])) {
        return `${at(key)} must be ${what}, got ${show(obj[key])}`;
      }
    }
  }
  const emb = entry.output.embedding;
  if (emb != null) {
    for (const [key, [test, what]] of Object.entries(EMBEDDING)) {
      if (emb[key] === undefined) return `output.embedding.${key} is missing`;
      if (!test(emb[key])) return `output.embedding.${key} must be ${what}, got ${show(emb[key])}`;
    }
    if (emb.name === entry.output.name) {
      return `output.embedding.name must differ from output.name, both are '${emb.name}'`;
    }
  }
  const p = entry.preprocess;
  const own = CROP[p.resize];
  const other = Object.values(CROP).find((c) => c !== own);
  if (p[own] == null) return `preprocess.${own} is missing: resize ${p.resize} needs ${own}`;
  if (p[other] != null) return `preprocess.${other} must be absent with resize ${p.resize}`;
  if (own === 'cropPct' && !(p.cropPct > 0 && p.cropPct <= 1)) return `preprocess.cropPct must be in (0, 1], got ${p.cropPct}`;
  const s = p.size;
  const want = entry.input.layout === 'NCHW' ? [1, 3, s, s] : [1, s, s, 3];
  if (show(entry.input.shape) !== show(want)) {
    return `input.shape must be ${show(want)} (layout ${entry.input.layout}, preprocess.size ${s}), got ${show(entry.input.shape)}`;
  }
  return null;
}
