// cosineSimilarity, as MediaPipe's ImageEmbedder offers it: for two embeddings of one model,
// float or quantised (a quantised one is the normalised vector times 127, so its cosine is the
// same up to rounding), or the `embedding` objects embed() and classify() return.
import { EffnetError, ErrorCode } from './errors.js';

const bad = (message) => new EffnetError(ErrorCode.BAD_EMBEDDING, message);

/** The values of `e`: a Float32Array/Int8Array (or array of numbers), or an embedding object. */
function valuesOf(e, which) {
  const v = e?.floatEmbedding ?? e?.quantizedEmbedding ?? e;
  const isArray = Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
  if (!isArray || !Array.prototype.every.call(v, Number.isFinite)) {
    throw bad(`cosineSimilarity: ${which} is not an embedding (a Float32Array, an Int8Array or an embed() result's embedding)`);
  }
  return v;
}

/**
 * The cosine of the angle between two embeddings, in [-1, 1].
 * @throws {EffnetError} BAD_EMBEDDING when the lengths differ or either is a zero vector
 */
export function cosineSimilarity(a, b) {
  const u = valuesOf(a, 'the first argument');
  const v = valuesOf(b, 'the second argument');
  if (u.length !== v.length) {
    throw bad(`cosineSimilarity: the embeddings have ${u.length} and ${v.length} values (embeddings of one model have the same length)`);
  }
  // in doubles: 1280 or 2560 float32 products lose nothing this way
  let dot = 0;
  let uu = 0;
  let vv = 0;
  for (let i = 0; i < u.length; i++) {
    dot += u[i] * v[i];
    uu += u[i] * u[i];
    vv += v[i] * v[i];
  }
  if (uu === 0 || vv === 0) {
    throw bad(`cosineSimilarity: the ${uu === 0 ? 'first' : 'second'} embedding is a zero vector, which has no direction`);
  }
  return dot / Math.sqrt(uu * vv);
}
