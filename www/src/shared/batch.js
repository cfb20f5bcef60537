// classifyBatch for both hosts: one result per source, in order; a failure stands in its
// place as { error } and the rest go on.
import { ErrorCode } from './errors.js';

export async function classifyEach(classify, sources, options, onProgress) {
  const list = Array.from(sources);
  const out = [];
  for (const s of list) {
    try {
      out.push(await classify(s, options));
    } catch (e) {
      if (e.code === ErrorCode.DISPOSED) throw e;
      out.push({ error: e });
    }
    onProgress?.(out.length, list.length);
  }
  return out;
}
