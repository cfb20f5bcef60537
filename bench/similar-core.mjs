// What bench/similar.mjs measures, as a module that runs in Node and in a page alike.
import { VectorIndex, bytesPerVector, quantize } from '../www/tagger/vectors.js';
import { duplicateGroups } from '../www/tagger/duplicates.js';
import { stats } from './stats.mjs';

const DIMS = 1280;

/**
 * N synthetic vectors (random directions in 500 clusters, non-negative like Lite0's pooled
 * features), a top-10 query timed 30 times, the duplicate groups of the first M.
 * @returns {string[]} the lines to print
 */
export function measure({ N = 100_000, M = 2_000, wasm = true } = {}) {
  // a small deterministic generator (mulberry32): the same vectors every run
  let seed = 0x9e3779b9;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const centres = Array.from({ length: 500 }, () => Float32Array.from({ length: DIMS }, () => rand() ** 3));
  const vector = () => {
    const c = centres[Math.floor(rand() * centres.length)];
    return Float32Array.from(c, (x) => Math.max(0, x + (rand() - 0.5) * 0.3));
  };
  const lines = [];
  const index = new VectorIndex(DIMS, N, { wasm });
  const t0 = performance.now();
  for (let i = 0; i < N; i++) index.add(`photo-${i}`, quantize(vector()));
  const fill = performance.now() - t0;
  lines.push(`${N} vectors of ${DIMS} int8: ${bytesPerVector(DIMS)} bytes per photo, ${(index.bytes / 2 ** 20).toFixed(1)} MiB in the index (filled in ${(fill / 1000).toFixed(1)} s)`);
  const queries = Array.from({ length: 33 }, () => quantize(vector()));
  const times = [];
  for (const [i, q] of queries.entries()) {
    const t = performance.now();
    const hits = index.search(q, { k: 10 });
    if (i >= 3) times.push(performance.now() - t); // the first ones include the compilation
    if (hits.length !== 10) throw new Error(`a query gave ${hits.length} hits`);
  }
  const s = stats(times);
  lines.push(`top-10 query over ${N} (${index.wasm ? 'wasm SIMD' : 'plain JS'}): median ${s.median.toFixed(1)} ms, p90 ${s.p90.toFixed(1)} ms (${s.n} queries)`);
  const small = new VectorIndex(DIMS, M, { wasm });
  for (let i = 0; i < M; i++) small.add(index.keys[i], index.get(index.keys[i]));
  const t1 = performance.now();
  const groups = duplicateGroups(small);
  lines.push(`duplicate groups over ${M}: ${((performance.now() - t1) / 1000).toFixed(2)} s (${groups.length} groups; all pairs, so it grows with the square)`);
  return lines;
}

/**
 * In a page: what one embedding costs in IndexedDB, from navigator.storage.estimate() after
 * storing n records without and n with a quantised embedding (keys like the tagger's).
 * @returns {Promise<string>} the line to print
 */
export async function idbCost(n = 5000) {
  const open = (name) =>
    new Promise((ok, no) => {
      const r = indexedDB.open(name, 1);
      r.onupgradeneeded = () => r.result.createObjectStore('s', { keyPath: 'key' });
      r.onsuccess = () => ok(r.result);
      r.onerror = () => no(r.error);
    });
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const per = {};
  for (const [name, withVec] of [['bench-plain', false], ['bench-embedding', true]]) {
    const db = await open(name);
    const before = (await navigator.storage.estimate()).usage;
    for (let k = 0; k < n; k += 500) {
      const tx = db.transaction('s', 'readwrite');
      for (let i = k; i < Math.min(n, k + 500); i++) {
        const rec = { key: `album/photo-${i}.jpg|123456|1700000000000`, path: `album/photo-${i}.jpg` };
        if (withVec) rec.embedding = quantize(Float32Array.from({ length: DIMS }, () => rand() ** 3));
        tx.objectStore('s').put(rec);
      }
      await new Promise((ok, no) => ((tx.oncomplete = ok), (tx.onerror = () => no(tx.error))));
    }
    db.close();
    await new Promise((r) => setTimeout(r, 2000)); // the usage figure lags the commits a little
    per[name] = ((await navigator.storage.estimate()).usage - before) / n;
  }
  const vec = per['bench-embedding'] - per['bench-plain'];
  return `IndexedDB (navigator.storage.estimate, ${n} records): ${vec.toFixed(0)} bytes per photo for its embedding (${per['bench-embedding'].toFixed(0)} with, ${per['bench-plain'].toFixed(0)} without)`;
}
