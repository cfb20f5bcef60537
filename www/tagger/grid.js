// The browsable grid: one button per photo (thumbnail, top label, its score), filtered by tag
// and sorted by confidence (tags.js filterRecords); a click or Enter opens the top-5, or,
// while photos are being picked for a taught tag (`selecting`), toggles the photo's selection.
// Thumbnails get object URLs only while their card is in the grid, created when the card
// comes near the viewport and revoked when it leaves the grid: none outlive their card.
import { filterRecords } from './tags.js';
import { pct, scoreBar } from '../score-bars.js';

export class Grid {
  /** @param {HTMLElement} list @param {HTMLDialogElement} dialog */
  constructor(list, dialog) {
    this.list = list;
    this.dialog = dialog;
    this.records = new Map(); // key -> record
    this.query = '';
    this.order = 'desc';
    this.urls = new Map(); // card -> object URL
    this.selecting = null; // a Set of record keys while the user picks photos to teach a tag
    this.onSelect = null; // (selected: Set) => void
    this.onSimilar = null; // (record) => void: the details' "Similar photos" button
    this.observer = new IntersectionObserver((seen) => seen.forEach((e) => e.isIntersecting && this.#show(e.target)), {
      rootMargin: '400px',
    });
    dialog.querySelector('[data-close]').addEventListener('click', () => dialog.close());
    dialog.querySelector('[data-similar]').addEventListener('click', () => {
      const r = this.shown;
      dialog.close();
      if (r) this.onSimilar?.(r);
    });
    dialog.addEventListener('close', () => this.#releaseDialog());
  }

  /** How many object URLs the grid holds now (for the page's own leak check). */
  get liveUrls() {
    return this.urls.size + (this.dialogUrl ? 1 : 0);
  }

  set(records) {
    this.records = new Map(records.map((r) => [r.key, r]));
    this.render();
  }

  /** A new result: shown at once if it matches the filter (the order is fixed by the next render). */
  add(record) {
    for (const [key, old] of this.records) {
      if (old.path !== record.path || key === record.key) continue;
      this.records.delete(key); // the photo changed: its old result is gone
      const li = [...this.list.children].find((c) => c.firstChild.dataset.key === key);
      if (li) {
        this.#release(li);
        li.remove();
      }
    }
    this.records.set(record.key, record);
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
    const hits = filterRecords([...this.records.values()], this.query, { order: this.order });
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

  clear() {
    this.records.clear();
    this.render();
    this.dialog.close();
  }

  #count() {
    this.list.dataset.shown = String(this.list.children.length);
  }

  #card({ record: r, score }) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'photo';
    b.dataset.key = r.key;
    b.dataset.path = r.path;
    const img = document.createElement('img');
    img.alt = '';
    img.width = 160;
    img.height = 120;
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = r.label;
    const s = document.createElement('span');
    s.className = 'score';
    s.textContent = pct(score);
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = r.name;
    b.append(img, label, s, name);
    b.setAttribute('aria-label', `${r.name}: ${r.label}, ${pct(score)}`);
    this.#pressed(b);
    b.addEventListener('click', () => {
      if (!this.selecting) return this.open(r);
      if (this.selecting.has(r.key)) this.selecting.delete(r.key);
      else this.selecting.add(r.key);
      this.#pressed(b);
      this.onSelect?.(this.selecting);
    });
    li.append(b);
    this.observer.observe(li);
    return li;
  }

  #show(li) {
    this.observer.unobserve(li);
    const r = this.records.get(li.firstChild.dataset.key);
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

  #releaseDialog() {
    if (this.dialogUrl) URL.revokeObjectURL(this.dialogUrl);
    this.dialogUrl = null;
  }

  /** The details: thumbnail, path, tags with scores, the top-5 as bars. */
  open(r) {
    const d = this.dialog;
    this.shown = r;
    this.#releaseDialog();
    this.dialogUrl = r.thumb ? URL.createObjectURL(r.thumb) : null;
    const img = d.querySelector('img');
    img.src = this.dialogUrl ?? '';
    img.hidden = !this.dialogUrl;
    d.querySelector('h2').textContent = r.name;
    d.querySelector('.path').textContent = r.path;
    const tags = d.querySelector('.tags');
    tags.replaceChildren(
      ...[...r.tags, ...(r.taught ?? [])].map((t) => {
        const li = document.createElement('li');
        li.className = t.kind;
        li.textContent = `${t.tag} ${t.confirmed ? '(confirmed)' : pct(t.score)}`;
        if (t.kind === 'inferred') li.title = 'inferred from what the photo shows being worn: see the note under the search box';
        return li;
      }),
    );
    const similar = d.querySelector('[data-similar]');
    similar.disabled = !r.embedding;
    d.querySelector('.no-embedding').hidden = !!r.embedding;
    const bars = d.querySelector('.bars');
    bars.replaceChildren(
      ...r.top5.map((c) => scoreBar(c.label, c.score)),
    );
    if (!d.open) d.showModal();
  }
}
