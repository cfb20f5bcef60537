// Compiled by `tsc --noEmit` in npm test: the declarations cover the documented API.
import { ImageClassifier, ModelCache, capabilities, cosineSimilarity, models, EffnetError, ErrorCode } from 'effnet-wasm';
import type { Classification, Embedding, EmbeddingResult, Preprocess, PreprocessCommon, Progress } from 'effnet-wasm';

async function demo(img: HTMLImageElement, blob: Blob): Promise<void> {
  const caps = await capabilities();
  const threads: number | 'auto' = caps.threads ? 'auto' : 1;
  const clf = await ImageClassifier.create({
    model: models[0].id,
    threads,
    relaxedSimd: true,
    cache: true,
    onProgress: (e: Progress) => console.log(e.phase, e.loadedBytes / e.totalBytes),
  });
  const r: Classification = await clf.classify(img, { maxResults: 3, scoreThreshold: 0.1, categoryDenylist: ['espresso'] });
  const top: string = r.categories[0].label;
  const ms: number = r.timing.inferenceMs + r.timing.preprocessMs;
  const n: number = r.backend.threads;
  const build: string = r.backend.build;
  const all = await clf.classify(img, { maxResults: 1, withProbabilities: true });
  const probs: Float32Array | undefined = all.probabilities;
  if (probs && probs[all.categories[0].index] > 0.5) console.log(all.categories[0].label);
  const fast = await clf.classify(blob, { decode: 'fast' });
  console.log(fast.timing.decodeMs);
  // @ts-expect-error only 'fast' or 'exact'
  await clf.classify(blob, { decode: 'draft' });
  const e: EmbeddingResult = await clf.embed(img);
  const floats: Float32Array | undefined = e.embedding.floatEmbedding;
  const q = await clf.embed(blob, { quantize: true, decode: 'fast' });
  const bytes: Int8Array | undefined = q.embedding.quantizedEmbedding;
  const size: number | undefined = clf.model.output.embedding?.size;
  // @ts-expect-error the options are booleans
  await clf.embed(img, { l2Normalize: 1 });
  const both = await clf.classify(img, { withEmbedding: true });
  const head: Embedding | undefined = both.embedding;
  if (head && floats && bytes) console.log(cosineSimilarity(head, e.embedding), cosineSimilarity(floats, bytes), size, head.headName);
  try {
    cosineSimilarity(new Float32Array(3), [1, 2]);
  } catch (err) {
    if (err instanceof EffnetError && err.code === ErrorCode.BAD_EMBEDDING) console.log(err.message);
  }
  const batch = await clf.classifyBatch([img, blob], {}, (done, total) => console.log(done / total));
  for (const b of batch) if ('error' in b) console.log(b.error.code);
  try {
    const own = await ImageClassifier.create({
      model: { id: 'mine', url: '/m.onnx', input: models[0].input, preprocess: models[0].preprocess, output: models[0].output },
    });
    own.dispose();
  } catch (e) {
    // an entry of one's own that is invalid, or the package's manifest that is
    if (e instanceof EffnetError && (e.code === ErrorCode.BAD_OPTIONS || e.code === ErrorCode.BAD_MANIFEST)) console.log(e.message);
  }
  clf.dispose();
  const cached = await ModelCache.list();
  await ModelCache.delete(cached[0].id);
  await ModelCache.clear();
  try {
    await clf.classify(img);
  } catch (e) {
    if (e instanceof EffnetError && e.code === ErrorCode.DISPOSED) console.log(top, ms, n);
  }
}

/** Each resize mode carries its own crop parameter: narrowing on `resize` finds it. */
function crop(p: Preprocess): number {
  // @ts-expect-error cropPct is there only once resize says shortSideThenCenterCrop
  void p.cropPct;
  return p.resize === 'shortSideThenCenterCrop' ? p.cropPct : p.cropPadding;
}

const common: PreprocessCommon = { size: 600, interpolation: 'bicubic', valueRange: 1, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], channelOrder: 'RGB' };
const tf: Preprocess = { ...common, resize: 'centerCropThenResize', cropPadding: 32 };
const wrong: Preprocess = {
  ...common,
  resize: 'centerCropThenResize',
  cropPadding: 32,
  // @ts-expect-error cropPct belongs to shortSideThenCenterCrop
  cropPct: 0.875,
};
// @ts-expect-error centerCropThenResize needs its cropPadding
const missing: Preprocess = { ...common, resize: 'centerCropThenResize' };
console.log(crop(models[0].preprocess), crop(tf), wrong, missing);

void demo;
