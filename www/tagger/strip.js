// A row of small photo cards outside the grid: the similar photos, a duplicate group, a taught
// tag's suggestions. Each card: thumbnail, name, a score, and buttons the caller asks for.
// The strip owns its thumbnails' object URLs and revokes them when it is refilled or cleared,
// so none outlives its card (the page's leak check counts them).
import { pct } from '../score-bars.js';
import { photoCard } from '../ui/photo-card.js';

export class Strip {
  /** @param {HTMLElement} list a <ul> */
  constructor(list) {
    this.list = list;
    this.urls = [];
  }

  get liveUrls() {
    return this.urls.length;
  }

  clear() {
    for (const u of this.urls) URL.revokeObjectURL(u);
    this.urls = [];
    this.list.replaceChildren();
  }

  /**
   * @param {{record: object, score: number, note?: string, lines?: string[], actions?: {label: string, aria: string, onClick: (e: Event) => void, pressed?: boolean}[]}[]} items
   *   lines: more lines of text under the score (a duplicate's resolution, size and date);
   *   an item {divider: text} is a line across the strip instead of a card
   */
  fill(items) {
    this.clear();
    this.list.append(
      ...items.map(({ record: r, score, note, lines = [], actions = [], divider }) => {
        if (divider) {
          // a band's heading between the cards (Similar's "same picture" and "same subject")
          const li = document.createElement('li');
          li.className = 'divider';
          li.textContent = divider;
          return li;
        }
        const url = r.thumb ? URL.createObjectURL(r.thumb) : undefined;
        if (url) this.urls.push(url);
        const li = photoCard({ src: url, width: 120, height: 90, parts: [{ className: 'name', text: r.name }, { className: 'score', text: note ?? pct(score) }, ...lines.map((text) => ({ className: 'meta', text }))] });
        li.dataset.path = r.path;
        li.dataset.score = String(score);
        if (actions.length) {
          const row = document.createElement('span');
          row.className = 'actions';
          for (const a of actions) {
            const b = document.createElement('button');
            b.type = 'button';
            b.textContent = a.label;
            b.setAttribute('aria-label', a.aria);
            if (a.pressed !== undefined) b.setAttribute('aria-pressed', String(a.pressed));
            b.addEventListener('click', a.onClick);
            row.append(b);
          }
          li.append(row);
        }
        return li;
      }),
    );
  }
}
