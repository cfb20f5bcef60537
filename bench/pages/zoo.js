// The model zoo's speed: bench/zoo.mjs calls window.measure once per model and build; each call
// runs one build of effnet-wasm in its own worker (effnet-worker.js) on the model's bytes and
// the coffee photo, times the inference only, and ends the worker (B7 needs its memory back).
import { rpc, fixturePixels } from './worker-rpc.js';

// a pause between runs lets the pool threads of the previous run go idle
const settle = () => new Promise((r) => setTimeout(r, 20));
const argmax = (xs) => xs.reduce((b, v, i) => (v > xs[b] ? i : b), 0);
const pixels = await fixturePixels('coffee.png');
let held = { url: null, bytes: null }; // one model at a time: B7's export is 265 MB

window.measure = async ({ variant, threads, entry, url, runs, warmup }) => {
  if (held.url !== url) {
    held = { url: null, bytes: null }; // let the previous model go before fetching the next
    held = { url, bytes: await (await fetch(url)).arrayBuffer() };
  }
  const w = rpc('/bench/effnet-worker.js');
  try {
    const init = await w.call({ init: true, variant, threads, entry, model: held.bytes.slice(0), pixels });
    for (let i = 0; i < warmup; i++) await w.call({ run: true });
    const ms = [];
    for (let i = 0; i < runs; i++) {
      await settle();
      ms.push((await w.call({ run: true })).ms);
    }
    return { createMs: init.createMs, top1: argmax(init.logits), ms };
  } finally {
    w.terminate();
  }
};
window.ready = true;
