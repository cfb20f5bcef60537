// The browsable grid, a view of the library: one button per photo (thumbnail, top label, its
// score), filtered by tag and sorted by confidence (library.search); a click or Enter opens the
// photo's details (`onOpen`), or, while photos are being picked for a taught tag (`selecting`),
// toggles the photo's selection. A new result is shown at once if it matches the filter (the
// order is fixed by the next render).
// Thumbnails get object URLs only while their card is in the grid, created when the card
// comes near the viewport and revoked when it leaves the grid: none outlive their card.
import { filterRecords } from './tags.js';
import { pct } from '../score-bars.js';
import { photoCard } from '../ui/photo-card.js';

export class Grid {
  /**
   * @param {HTMLElement} list
   * @param {import('./library.js').Library} library
   * @param {{onOpen: (record: object) => void}} o
   */
  constructor(list, library, { onOpen }) {
    this.list = list;
    this.library = library;
    this.onOpen = onOpen;
    this.query = '';
    this.order = 'desc';
    this.urls = new Map(); // card -> object URL
    this.selecting = null; // a Set of record keys while the user picks photos to teach a tag
    this.onSelect = null; // (selected: Set) => void
    this.observer = new IntersectionObserver((seen) => seen.forEach((e) => e.isIntersecting && this.#show(e.target)), {
      rootMargin: '400px',
    });
    library.addEventListener('add', ({ record, removed }) => this.#add(record, removed));
    library.addEventListener('reset', () => this.render());
    library.addEventListener('taught', () => this.render());
  }

  /** How many object URLs the grid holds now (for the page's own leak check). */
  get liveUrls() {
    return this.urls.size;
  }

  #add(record, removed) {
    for (const key of removed) {
      const li = [...this.list.children].find((c) => c.firstChild.dataset.key === key);
      if (li) {
        this.#release(li);
        li.remove();
      }
    }
    if (record.error) return;
    const [hit] = filterRecords([record], this.query);
    if (hit) this.list.append(this.#card(hit));
    this.#count();
  }

  filter(query, order = this.order) {
    this.query = query;
    this.order = order;
    this.render();
  }

  render() {
    for (const card of this.urls.keys()) this.#release(card);
    this.observer.disconnect();
    const hits = this.library.search(this.query, this.order);
    this.list.replaceChildren(...hits.map((h) => this.#card(h)));
    this.#count();
  }

  /** Starts (a Set) or ends (null) picking photos: cards become toggle buttons. */
  select(keys) {
    this.selecting = keys;
    for (const b of this.list.querySelectorAll('.photo')) this.#pressed(b);
  }

  #pressed(b) {
    if (this.selecting) b.setAttribute('aria-pressed', String(this.selecting.has(b.dataset.key)));
    else b.removeAttribute('aria-pressed');
  }

  #count() {
    this.list.dataset.shown = String(this.list.children.length);
  }

  #card({ record: r, score }) {
    const b = photoCard({
      element: 'button',
      className: 'photo',
      width: 160,
      height: 120,
      parts: [
        { className: 'label', text: r.label },
        { className: 'score', text: pct(score) },
        { className: 'name', text: r.name },
      ],
    });
    b.type = 'button';
    b.dataset.key = r.key;
    b.dataset.path = r.path;
    b.setAttribute('aria-label', `${r.name}: ${r.label}, ${pct(score)}`);
    this.#pressed(b);
    b.addEventListener('click', () => {
      if (!this.selecting) return this.onOpen(r);
      if (this.selecting.has(r.key)) this.selecting.delete(r.key);
      else this.selecting.add(r.key);
      this.#pressed(b);
      this.onSelect?.(this.selecting);
    });
    const li = document.createElement('li');
    li.append(b);
    this.observer.observe(li);
    return li;
  }

  #show(li) {
    this.observer.unobserve(li);
    const r = this.library.get(li.firstChild.dataset.key);
    if (!r?.thumb || this.urls.has(li) || !li.isConnected) return;
    const url = URL.createObjectURL(r.thumb);
    this.urls.set(li, url);
    li.querySelector('img').src = url;
  }

  #release(li) {
    if (!this.urls.has(li)) return;
    URL.revokeObjectURL(this.urls.get(li));
    this.urls.delete(li);
  }
}
