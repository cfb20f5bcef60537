// The page's search, a view of the library: the tag box with type-ahead over the tags present,
// the order, the line saying how many photos are shown, and an inferred tag's note ("person"
// is a guess: the page says how far to trust it) while it is searched.
import { inferredTag, nearestTags, searchTerm, unknownWord, wordForms } from './tags.js';
import { plural } from '../ui/plural.js';

/**
 * @param {{library: import('./library.js').Library, grid: import('./grid.js').Grid, $: (id: string) => HTMLElement}} o
 * @returns {{refresh: () => void}}
 */
export function searchUI({ library, grid, $ }) {
  let tagListTimer = 0;
  /** The count line now; the type-ahead list (a pass over every record) at most 5 times a second. */
  function refresh() {
    const ok = library.tagged().length;
    const shown = Number($('grid').dataset.shown);
    $('shown').textContent = !grid.query
      ? `${plural(ok, 'photo')} tagged.`
      : shown || isTag(grid.query)
        ? `${plural(shown, 'photo')} tagged “${grid.query}” of ${ok}.`
        : notATag(grid.query);
    // a throttle, not a debounce: results arriving faster than every 200 ms must not hold it off
    if (tagListTimer) return;
    tagListTimer = setTimeout(() => {
      tagListTimer = 0;
      $('tag-list').replaceChildren(...library.tagCounts().map(([tag, n]) => new Option(`${plural(n, 'photo')}`, tag)));
    }, 200);
  }

  // a word no photo is tagged with is not "0 photos": the page says so and offers the tags it has nearest to it
  const present = () => library.tagCounts().map(([t]) => t);
  const isTag = (q) => {
    const tags = new Set(present().map((t) => t.toLowerCase()));
    return wordForms(searchTerm(q)).some((f) => tags.has(searchTerm(f).toLowerCase()));
  };
  function notATag(q) {
    // a word people search that no class can give: why, rather than near tags that would be wrong
    const why = unknownWord(q);
    if (why) return `No photo here is tagged “${q.trim()}”: ${why}.`;
    const near = nearestTags(q, present());
    return `No photo here is tagged “${q.trim()}”` + (near.length ? `; the nearest tags: ${near.map((t) => `“${t}”`).join(', ')}.` : '.');
  }

  $('search').addEventListener('input', () => {
    grid.filter($('search').value, $('sort').value);
    const note = inferredTag(searchTerm($('search').value))?.note;
    $('person-note').textContent = note ?? '';
    $('person-note').hidden = !note;
    refresh();
  });
  $('sort').addEventListener('change', () => grid.filter($('search').value, $('sort').value));
  // after the grid's own listeners (registered first), so the count line reads its new count
  for (const type of ['add', 'reset', 'taught']) library.addEventListener(type, refresh);
  return { refresh };
}
