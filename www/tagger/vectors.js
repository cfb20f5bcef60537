// Quantised photo embeddings and top-k cosine search over them. Pure: no DOM.
//
// A photo's embedding (1280 floats for Lite0, 5 KB) is kept as int8: each value scaled by
// 127 / max|v| of its vector and rounded, so the largest uses the full range. Cosine only needs
// the direction, so the scale itself is not kept; the quantised vector's own length (`norm`)
// is, so a cosine is one integer dot product and a division. Per photo: `dims` bytes + a
// float32 norm = 1284 bytes for Lite0 (BYTES_PER_VECTOR).
//
// The index is one flat Int8Array (row i = photo i) and a Float32Array of norms: a query is a
// pass over contiguous memory with an integer dot product (exact in int32: 1280 * 127 * 127
// < 2^31). The rows live in the memory of a 215-byte wasm module (dot.wat) whose SIMD loop
// does 16 products per step; plain JS (jsDots) where wasm SIMD is missing or dims is not a
// multiple of 16. npm run bench:similar times both.
import { TaggerError } from './errors.js';
import { DOT_WASM } from './dot-wasm.js';

const QUERY_BYTES = 65536; // the query's room at the start of the wasm memory: dims <= 65536
const PAGE = 65536;
let wasmModule; // compiled once per page (215 bytes: synchronous compilation is allowed)
function dotModule() {
  if (wasmModule === undefined) {
    try {
      const bytes = Uint8Array.from(atob(DOT_WASM), (c) => c.charCodeAt(0));
      wasmModule = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      wasmModule = null; // no WebAssembly (a locked-down page): the JS loop
    }
  }
  return wasmModule;
}

/** Every row's integer dot product with q, in plain JS (the fallback, and the reference the tests compare wasm with). */
export function jsDots(data, dims, size, q, out = new Int32Array(size)) {
  for (let r = 0, base = 0; r < size; r++, base += dims) {
    // 4 accumulators: independent additions the CPU can overlap
    let s = 0, s1 = 0, s2 = 0, s3 = 0;
    let i = 0;
    for (; i + 3 < dims; i += 4) {
      s = (s + data[base + i] * q[i]) | 0;
      s1 = (s1 + data[base + i + 1] * q[i + 1]) | 0;
      s2 = (s2 + data[base + i + 2] * q[i + 2]) | 0;
      s3 = (s3 + data[base + i + 3] * q[i + 3]) | 0;
    }
    for (; i < dims; i++) s = (s + data[base + i] * q[i]) | 0;
    out[r] = (s + s1 + s2 + s3) | 0;
  }
  return out;
}

/** Bytes each stored vector costs (payload, without IndexedDB's own overhead). */
export const bytesPerVector = (dims) => dims + 4;

/**
 * @param {ArrayLike<number>} v a float vector (any length > 0)
 * @returns {{q: Int8Array, norm: number}} q: the int8 vector, norm: its Euclidean length (0 for a zero vector)
 */
export function quantize(v) {
  if (!v || typeof v.length !== 'number' || v.length === 0) throw new TaggerError('BAD_VECTOR', 'an embedding must be a non-empty array of numbers');
  let max = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]);
    if (!Number.isFinite(a)) throw new TaggerError('BAD_VECTOR', `embedding value ${i} is ${v[i]}, not a finite number`);
    if (a > max) max = a;
  }
  const q = new Int8Array(v.length);
  const s = max > 0 ? 127 / max : 0;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    q[i] = Math.round(v[i] * s);
    n += q[i] * q[i];
  }
  return { q, norm: Math.sqrt(n) };
}

/** The integer dot product of two int8 vectors of the same length. */
export function dot(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = (s + a[i] * b[i]) | 0;
  return s;
}

/** Cosine similarity of two quantised vectors ({q, norm}); 0 when either is zero. */
export const cosine = (a, b) => (a.norm && b.norm ? dot(a.q, b.q) / (a.norm * b.norm) : 0);

/** A float vector's direction (unit length) from a quantised one. */
export function toUnit({ q, norm }) {
  const out = new Float32Array(q.length);
  if (norm) for (let i = 0; i < q.length; i++) out[i] = q[i] / norm;
  return out;
}

/**
 * The vectors of a collection, by key, in one flat Int8Array; grows by doubling.
 * add() of a key already present replaces its vector.
 */
export class VectorIndex {
  /** @param {{wasm?: boolean}} [o] wasm: false forces the JS loop */
  constructor(dims, capacity = 1024, { wasm = true } = {}) {
    if (!Number.isInteger(dims) || dims <= 0) throw new TaggerError('BAD_VECTOR', `dims must be a positive integer, got ${dims}`);
    this.dims = dims;
    this.size = 0;
    this.keys = [];
    this.rows = new Map(); // key -> row
    const mod = wasm && dims % 16 === 0 && dims <= QUERY_BYTES ? dotModule() : null;
    this.wasm = mod ? new WebAssembly.Instance(mod).exports : null;
    this.norms = new Float32Array(capacity);
    if (this.wasm) this.#memory(capacity);
    else this.data = new Int8Array(dims * capacity);
  }

  /** Memory layout: [query: 64 KiB][rows: capacity * dims][dot products: capacity * 4]. */
  #memory(capacity) {
    const mem = this.wasm.memory;
    const need = QUERY_BYTES + capacity * this.dims + capacity * 4;
    if (mem.buffer.byteLength < need) mem.grow(Math.ceil((need - mem.buffer.byteLength) / PAGE));
    // the views: growing detaches the old buffer; the rows stay where they were
    this.data = new Int8Array(mem.buffer, QUERY_BYTES, capacity * this.dims);
    this.query = new Int8Array(mem.buffer, 0, this.dims);
    this.outAt = QUERY_BYTES + capacity * this.dims;
    this.out = new Int32Array(mem.buffer, this.outAt, capacity);
  }

  /** Builds an index from records that have an `embedding` ({q, norm}); the others are skipped,
   * and so are those of another length than the newest one's (made by another model). */
  static from(records) {
    const newest = records.reduce((a, r) => (r.embedding?.q?.length && (!a || (r.taggedAt ?? 0) > (a.taggedAt ?? 0)) ? r : a), null);
    const dims = newest?.embedding.q.length ?? 16;
    const withVec = records.filter((r) => r.embedding?.q?.length === dims);
    const index = new VectorIndex(dims, Math.max(16, withVec.length));
    for (const r of withVec) index.add(r.key, r.embedding);
    return index;
  }

  get bytes() {
    return this.size * bytesPerVector(this.dims);
  }

  has(key) {
    return this.rows.has(key);
  }

  get(key) {
    const row = this.rows.get(key);
    return row === undefined ? undefined : { q: this.data.subarray(row * this.dims, (row + 1) * this.dims), norm: this.norms[row] };
  }

  add(key, { q, norm }) {
    if (q?.length !== this.dims) throw new TaggerError('BAD_VECTOR', `vector for ${key} has ${q?.length} values, the index ${this.dims}`);
    let row = this.rows.get(key);
    if (row === undefined) {
      row = this.size++;
      if (row >= this.norms.length) this.#grow();
      this.rows.set(key, row);
      this.keys[row] = key;
    }
    this.data.set(q, row * this.dims);
    this.norms[row] = norm;
  }

  /** Removes a key: the last row moves into its place. */
  delete(key) {
    const row = this.rows.get(key);
    if (row === undefined) return false;
    const last = --this.size;
    if (row !== last) {
      this.data.copyWithin(row * this.dims, last * this.dims, (last + 1) * this.dims);
      this.norms[row] = this.norms[last];
      this.keys[row] = this.keys[last];
      this.rows.set(this.keys[row], row);
    }
    this.keys.length = last;
    this.rows.delete(key);
    return true;
  }

  #grow() {
    const cap = this.norms.length * 2;
    const norms = new Float32Array(cap);
    norms.set(this.norms);
    this.norms = norms;
    if (this.wasm) return this.#memory(cap);
    const data = new Int8Array(this.dims * cap);
    data.set(this.data);
    this.data = data;
  }

  /**
   * The integer dot product of q with every row from `from` on, into `out` (out[0] is row
   * `from`'s; a new Int32Array by default).
   */
  dots(q, out = null, from = 0) {
    const rows = Math.max(0, this.size - from);
    out ??= new Int32Array(rows);
    if (!this.wasm) return jsDots(this.data.subarray(from * this.dims), this.dims, rows, q, out);
    this.query.set(q); // q may be a row of data itself: copied before the pass
    this.wasm.dots(QUERY_BYTES + from * this.dims, 0, rows, this.dims, this.outAt);
    out.set(this.out.subarray(0, rows));
    return out;
  }

  /**
   * The k rows most similar to `query` ({q, norm}) by cosine, best first.
   * @param {{k?: number, exclude?: Set<string> | string, min?: number}} [o] min: the lowest cosine kept
   * @returns {{key: string, score: number}[]}
   */
  search(query, { k = 10, exclude, min = -Infinity } = {}) {
    if (query?.q?.length !== this.dims) throw new TaggerError('BAD_VECTOR', `query has ${query?.q?.length} values, the index ${this.dims}`);
    if (!query.norm) return [];
    const skip = typeof exclude === 'string' ? new Set([exclude]) : exclude;
    const d = this.dots(query.q);
    // the best k so far, kept sorted (k is small: an insertion beats a heap)
    const best = [];
    for (let r = 0; r < this.size; r++) {
      const n = this.norms[r];
      if (!n) continue;
      const score = d[r] / (n * query.norm);
      if (score < min || (best.length === k && score <= best[k - 1].score)) continue;
      if (skip?.has(this.keys[r])) continue;
      let i = best.length < k ? best.length : k - 1;
      while (i > 0 && best[i - 1].score < score) {
        if (i < k) best[i] = best[i - 1];
        i--;
      }
      best[i] = { key: this.keys[r], score };
    }
    return best;
  }
}
