// The page's "Similar photos" (from a photo's details) and "Find duplicates", views of the
// library: both read the collection's quantised embeddings (library.vectors) and show photos
// in strips (strip.js). Cleared with the library.
import { Strip } from './strip.js';
import { duplicateGroups, DUPLICATE_THRESHOLD } from './duplicates.js';
import { plural } from '../ui/plural.js';

/**
 * @param {{library: import('./library.js').Library, details: import('./details.js').Details, $: (id: string) => HTMLElement}} o
 * @returns {{show: (record: object) => void, liveUrls: number}}
 */
export function similarUI({ library, details, $ }) {
  const similar = new Strip($('similar'));
  let groups = []; // the duplicate groups' strips
  const open = (r) => ({ label: 'Details', aria: `Details of ${r.name}`, onClick: () => details.open(r) });

  function showSimilar(record) {
    const index = library.vectors();
    const query = index.get(record.key);
    if (!query) return;
    const hits = index.search(query, { k: 12, exclude: record.key });
    similar.fill(hits.map((h) => ({ record: library.get(h.key), score: h.score, actions: [open(library.get(h.key))] })));
    $('similar-h').textContent = `Photos similar to ${record.name}`;
    $('similar-status').textContent = `The ${plural(hits.length, 'closest photo')} of ${index.size - 1}, most alike first (the cosine similarity of their embeddings: 100% is the same picture).`;
    $('similar-box').hidden = false;
    document.body.dataset.similar = record.path;
    $('similar-h').focus();
  }

  function clearDuplicates() {
    for (const s of groups) s.clear();
    groups = [];
    $('duplicates').replaceChildren();
  }

  function findDuplicates() {
    clearDuplicates();
    const index = library.vectors();
    const found = duplicateGroups(index);
    const without = library.tagged().filter((r) => !r.embedding).length;
    const missing = without ? ` ${plural(without, 'photo')} tagged before similar search existed ${without === 1 ? 'is' : 'are'} not compared: tag ${without === 1 ? 'it' : 'them'} again.` : '';
    $('duplicates-status').textContent = `${found.length ? plural(found.length, 'group') : 'No groups'} of near-identical photos among ${plural(index.size, 'photo')} (cosine ≥ ${DUPLICATE_THRESHOLD}).${missing}`;
    $('duplicates').append(
      ...found.map((g, i) => {
        const li = document.createElement('li');
        li.className = 'group';
        const h = document.createElement('h3');
        h.id = `dup-group-${i + 1}`;
        h.textContent = `${plural(g.keys.length, 'photo')}, ${Math.round(g.min * 100)}–${Math.round(g.max * 100)}% alike`;
        const ul = document.createElement('ul');
        ul.className = 'strip';
        ul.setAttribute('aria-labelledby', h.id);
        const strip = new Strip(ul);
        const index2 = index.get(g.keys[0]);
        strip.fill(
          g.keys.map((k) => {
            const r = library.get(k);
            const v = index.get(k);
            // each photo's likeness to the group's first one
            let d = 0;
            for (let j = 0; j < v.q.length; j++) d += v.q[j] * index2.q[j];
            return { record: r, score: d / (v.norm * index2.norm), actions: [open(r)] };
          }),
        );
        groups.push(strip);
        li.append(h, ul);
        return li;
      }),
    );
    document.body.dataset.duplicates = String(found.length);
  }

  $('similar-close').addEventListener('click', () => {
    similar.clear();
    $('similar-box').hidden = true;
    delete document.body.dataset.similar;
  });
  $('find-duplicates').addEventListener('click', findDuplicates);
  library.addEventListener('reset', ({ cause }) => {
    if (cause !== 'clear') return;
    similar.clear();
    $('similar-box').hidden = true;
    clearDuplicates();
    $('duplicates-status').textContent = '';
  });
  return {
    show: showSimilar,
    get liveUrls() {
      return similar.liveUrls + groups.reduce((n, s) => n + s.liveUrls, 0);
    },
  };
}
