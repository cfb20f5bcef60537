// A photo's details, a view of one record of the library: its thumbnail, path, tags with
// scores (an inferred tag says how it was inferred), the top-5 as bars, and "Similar photos"
// where it has an embedding. Closed when the library is cleared.
import { inferredTag } from './tags.js';
import { pct, scoreBar } from '../score-bars.js';

export class Details {
  #dialog;
  #url = null; // the thumbnail's object URL while the dialog shows it
  shown = null;

  /**
   * @param {HTMLDialogElement} dialog
   * @param {import('./library.js').Library} library
   * @param {{onSimilar: (record: object) => void}} o
   */
  constructor(dialog, library, { onSimilar }) {
    this.#dialog = dialog;
    dialog.querySelector('[data-close]').addEventListener('click', () => dialog.close());
    dialog.querySelector('[data-similar]').addEventListener('click', () => {
      const r = this.shown;
      dialog.close();
      if (r) onSimilar(r);
    });
    dialog.addEventListener('close', () => this.#release());
    library.addEventListener('reset', ({ cause }) => cause === 'clear' && dialog.close());
  }

  /** How many object URLs the dialog holds now (for the page's own leak check). */
  get liveUrls() {
    return this.#url ? 1 : 0;
  }

  #release() {
    if (this.#url) URL.revokeObjectURL(this.#url);
    this.#url = null;
  }

  open(r) {
    const d = this.#dialog;
    this.shown = r;
    this.#release();
    this.#url = r.thumb ? URL.createObjectURL(r.thumb) : null;
    const img = d.querySelector('img');
    img.src = this.#url ?? '';
    img.hidden = !this.#url;
    d.querySelector('h2').textContent = r.name;
    d.querySelector('.path').textContent = r.path;
    d.querySelector('.tags').replaceChildren(
      ...[...r.tags, ...(r.taught ?? [])].map((t) => {
        const li = document.createElement('li');
        li.className = t.kind;
        li.textContent = `${t.tag} ${t.confirmed ? '(confirmed)' : pct(t.score)}`;
        if (t.kind === 'inferred') li.title = inferredTag(t.tag)?.about ?? '';
        return li;
      }),
    );
    d.querySelector('[data-similar]').disabled = !r.embedding;
    d.querySelector('.no-embedding').hidden = !!r.embedding;
    d.querySelector('.bars').replaceChildren(...r.top5.map((c) => scoreBar(c.label, c.score)));
    if (!d.open) d.showModal();
  }
}
