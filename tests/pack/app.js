// A user's tiny app: the installed package, bundled by webpack, default options.
import { ImageClassifier } from 'effnet-wasm';

const out = document.querySelector('#out');
try {
  const photo = await (await fetch('coffee.png')).blob();
  const clf = await ImageClassifier.create();
  const r = await clf.classify(photo);
  out.textContent = JSON.stringify({ label: r.categories[0].label, threads: r.backend.threads, build: r.backend.build, cores: r.backend.cores });
} catch (e) {
  out.textContent = JSON.stringify({ error: `${e.code}: ${e.message}` });
}
