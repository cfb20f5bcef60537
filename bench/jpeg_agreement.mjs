// bench/jpeg_agreement.py's Node side: all 1000 probabilities per file through the npm
// package (its JPEG decoder), and through the crate's wasm decoder (the `image` crate, what
// Node used before). Prints { label: { file: [p0..p999] } } as JSON.
import { readFile } from 'node:fs/promises';
import { ImageClassifier } from 'effnet-wasm';
import * as wasm from '../www/pkg/simd/effnet.js';

const [model, ...files] = process.argv.slice(2);
const clf = await ImageClassifier.create({ model });
const probs = (r) => {
  const p = new Array(1000).fill(0);
  for (const c of r.categories) p[c.index] = c.score;
  return p;
};
const out = { 'Node (npm package)': {}, "Node, the image crate's decoder (before)": {} };
for (const f of files) {
  const bytes = new Uint8Array(await readFile(f));
  out['Node (npm package)'][f] = probs(await clf.classify(bytes, { maxResults: -1 }));
  const px = wasm.decodeImage(bytes); // the wasm instance the package started
  out["Node, the image crate's decoder (before)"][f] = probs(await clf.classify(px, { maxResults: -1 }));
}
clf.dispose();
console.log(JSON.stringify(out));
