// Compiled by `tsc --noEmit` in npm test: the declarations cover the documented API.
import { ImageClassifier, ModelCache, capabilities, models, EffnetError, ErrorCode } from 'effnet-wasm';
import type { Classification, Progress } from 'effnet-wasm';

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
void demo;
