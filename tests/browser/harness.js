// The test page: the public API on window, for the browser tests to drive.
import * as effnet from 'effnet-wasm';
import * as Comlink from 'comlink';
import './harness.html';

window.effnet = effnet;
// to reach the library's worker directly (tools/page-hooks.js collects it): the trap tests
window.Comlink = Comlink;
window.fixture = async (name) => (await fetch(`/fixtures/${name}`)).blob();
// the fast decode's tests (tests/browser/fast-decode.test.mjs, tests/engines/suite.mjs): each
// draft JPEG as a Blob, classified with decode 'fast' and with the exact decode
window.fastAndExact = async (names, options = {}) => {
  const clf = await effnet.ImageClassifier.create({ ...options, model: 'efficientnet-lite0' });
  const res = {};
  for (const name of names) {
    const blob = await window.fixture(`jpeg/draft/${name}.jpg`);
    const fast = await clf.classify(blob, { decode: 'fast', maxResults: 1, withProbabilities: true });
    const exact = await clf.classify(blob, { maxResults: 1, withProbabilities: true });
    res[name] = { fast: [...fast.probabilities], exact: [...exact.probabilities], top: fast.categories[0].index };
  }
  const backend = clf.backend;
  clf.dispose();
  return { res, backend };
};
window.ready = true;
