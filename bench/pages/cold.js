// Cold start: this page's load -> the first classification result, for one engine.
//   ?engine=effnet|ort&threads=N   one measurement; ?clear=1 empties both engines' stores
import { rpc } from './worker-rpc.js';

const startMs = performance.now(); // page load -> this script running
const params = new URLSearchParams(location.search);
const threads = Number(params.get('threads') || 1);
const modelId = params.get('model') || 'efficientnet-lite0';
while (!window.effnet) await new Promise((r) => setTimeout(r, 10));
const entry = effnet.models.find((m) => m.id === modelId);

if (params.get('clear')) {
  await effnet.ModelCache.clear();
  await new Promise((ok, fail) => {
    const r = indexedDB.deleteDatabase('ort-bench');
    r.onsuccess = ok;
    r.onerror = () => fail(r.error);
  });
  window.result = { cleared: true };
} else if (params.get('engine') === 'effnet') {
  const cached = (await effnet.ModelCache.list()).some((m) => m.id === modelId);
  // createMs: the model's compile phase (bytes in hand -> runnable), onnxruntime-web's
  // session creation counterpart
  let compileAt;
  let createMs;
  const onProgress = (e) => {
    if (e.phase === 'compile') compileAt ??= performance.now();
    if (e.phase === 'ready') createMs = performance.now() - compileAt;
  };
  const clf = await effnet.ImageClassifier.create({ model: modelId, threads, onProgress });
  const r = await clf.classify(await (await fetch('/fixtures/coffee.png')).blob());
  window.result = { ms: performance.now(), cached, createMs, top1: r.categories[0].index, threads: clf.backend.threads, startMs };
} else {
  const w = rpc('/bench/ort-worker.js');
  const r = await w.call({ cold: true, threads, url: `/models/${entry.file}`, photo: '/fixtures/coffee.png', entry });
  window.result = { ms: performance.now(), ...r, threads, startMs };
}
