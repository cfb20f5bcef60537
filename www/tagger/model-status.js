// The classifier's start, as the page shows it: one bar for what it downloads (the wasm engine
// and the model), then which model and how many threads; the reason where it fails.
import { Engines } from './engines.js';
import { LoadBar } from '../load-bar.js';
import { plural } from '../ui/plural.js';
import { restartNote } from '../ui/restart-note.js';

/** The ready line: the model, the page's threads and why, and any restarted engine. */
export function showModel(status, clf) {
  const { threads, threadsReason } = clf.backend;
  const why = threadsReason ? ` (${threadsReason})` : '';
  const restarted = restartNote(clf.restarts);
  // storage full or private browsing: it works now, and the person knows why the next visit waits
  const { cached, stored } = clf.load;
  const notKept = cached || stored ? '' : ' Not cached: this browser refused to store the model, so the next visit downloads it again.';
  status.textContent = `Model ready: ${clf.model.name ?? clf.model.id}, ${plural(threads, 'thread')}${why}.${notKept}${restarted ? ` ${restarted}` : ''}`;
}

/**
 * @param {{$: (id: string) => HTMLElement, messages: import('./messages.js').Messages}} o
 * @returns {Promise<Engines>}
 */
export async function loadModel({ $, messages }) {
  const status = $('model-status');
  const bar = $('model-progress');
  const progress = new LoadBar(bar, status);
  bar.hidden = false;
  try {
    const clf = await Engines.create({
      cacheRuntime: true, // the wasm kept too: the page works offline (www/offline/)
      onProgress: (e) => progress.update(e),
    });
    showModel(status, clf);
    document.body.dataset.model = 'ready'; // tagging can start: the other engines join as they start
    bar.hidden = true;
    clf.joined.then(() => {
      showModel(status, clf);
      document.body.dataset.engines = String(clf.backend.engines);
    });
    return clf;
  } catch (e) {
    bar.hidden = true;
    status.textContent = 'The model could not be loaded.';
    messages.error(`The model could not be loaded: ${e.message}`);
    throw e;
  }
}
