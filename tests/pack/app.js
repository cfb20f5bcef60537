// A user's tiny app: the installed package, bundled by webpack, default options.
import { ImageClassifier } from 'effnet-wasm';

const out = document.querySelector('#out');
try {
  const photo = await (await fetch('coffee.png')).blob();
  const clf = await ImageClassifier.create();
  const r = await clf.classify(photo);
  out.textContent = `${r.categories[0].label} ${r.backend.threads}`;
} catch (e) {
  out.textContent = `error ${e.code}: ${e.message}`;
}
