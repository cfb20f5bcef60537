// The page's "Similar photos" (from a photo's details) and "Find duplicates", views of the
// library: both read the collection's quantised embeddings (library.vectors) and show photos
// in strips (strip.js). Cleared with the library.
import { Strip } from './strip.js';
import { duplicateGroups, DUPLICATE_THRESHOLD, othersCSV, othersJSON, othersList, rankGroups } from './duplicates.js';
import { download } from './export.js';
import { SIMILAR_THRESHOLD, similarPhotos } from './similar.js';
import { pct } from '../score-bars.js';
import { plural } from '../ui/plural.js';

/** A file size as people read it: 2.4 MB, 830 KB. */
const bytes = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1e3))} KB`);

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
    if (!index.get(record.key)) return;
    const { copies, alike, closest } = similarPhotos(index, record.key);
    const card = (h) => ({ record: library.get(h.key), score: h.score, actions: [open(library.get(h.key))] });
    const pc = (x) => `${Math.round(x * 100)}%`;
    similar.fill([
      ...(copies.length ? [{ divider: `The same picture (${pc(DUPLICATE_THRESHOLD)} alike or more)` }, ...copies.map(card)] : []),
      ...(alike.length ? [{ divider: `Likely the same subject (${pc(SIMILAR_THRESHOLD)}–${pc(DUPLICATE_THRESHOLD)} alike)` }, ...alike.map(card)] : []),
    ]);
    const n = copies.length + alike.length;
    $('similar-h').textContent = `Photos similar to ${record.name}`;
    $('similar-status').textContent = n
      ? `${plural(n, 'photo')} of ${index.size - 1} ${n === 1 ? 'is' : 'are'} alike enough to mean something (the cosine similarity of their embeddings: 100% is the same picture; below ${pc(SIMILAR_THRESHOLD)} photos are seldom of the same subject, so they are not shown).`
      : `No photo of ${index.size - 1} is alike enough to be the same picture or subject (${pc(SIMILAR_THRESHOLD)} or more)` +
        (closest ? `: the closest, ${library.get(closest.key).name}, is ${pc(closest.score)} alike.` : '.');
    $('similar-box').hidden = false;
    document.body.dataset.similar = record.path;
    $('similar-h').focus();
  }

  // the duplicates' export row, made here: index.html's section holds the button and the list
  const exportRow = document.createElement('div');
  exportRow.className = 'row';
  exportRow.hidden = true;
  const exportButton = (id, text) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.id = id;
    b.textContent = text;
    return b;
  };
  const exportJSON = exportButton('dup-export-json', 'Export the others as JSON');
  const exportCSV = exportButton('dup-export-csv', 'Export the others as CSV');
  exportRow.append(exportJSON, exportCSV);
  const keepStatus = document.createElement('p');
  keepStatus.id = 'dup-keep-status';
  keepStatus.setAttribute('aria-live', 'polite');
  $('duplicates').after(keepStatus, exportRow);

  let ranked = []; // the groups shown, best copy first (duplicates.js rankGroups)
  const keep = new Set(); // the kept photos' keys: the best copy of each group until a person says otherwise

  function clearDuplicates() {
    for (const s of groups) s.clear();
    groups = [];
    ranked = [];
    keep.clear();
    $('duplicates').replaceChildren();
    exportRow.hidden = true;
    keepStatus.textContent = '';
  }

  function showKept() {
    const total = ranked.reduce((n, g) => n + g.photos.length, 0);
    keepStatus.textContent = `Keeping ${plural(keep.size, 'photo')} of ${total}; the list of the other ${plural(total - keep.size, 'photo')} can be exported (this page deletes nothing).`;
  }

  function exportOthers(kind) {
    let list;
    try {
      list = othersList(ranked, keep);
    } catch (e) {
      keepStatus.textContent = `Not exported: ${e.message}.`;
      return;
    }
    const stamp = new Date().toISOString().slice(0, 10);
    if (kind === 'json') download(othersJSON(list), `duplicates-others-${stamp}.json`, 'application/json');
    else download(othersCSV(list), `duplicates-others-${stamp}.csv`, 'text/csv');
    keepStatus.textContent = `Exported the ${plural(list.length, 'photo')} not kept as ${kind.toUpperCase()}.`;
  }

  function findDuplicates() {
    clearDuplicates();
    const index = library.vectors();
    const found = duplicateGroups(index);
    ranked = rankGroups(found, index, (k) => library.get(k));
    for (const g of ranked) keep.add(g.photos[0].record.key);
    const without = library.tagged().filter((r) => !r.embedding).length;
    const missing = without ? ` ${plural(without, 'photo')} tagged before similar search existed ${without === 1 ? 'is' : 'are'} not compared: tag ${without === 1 ? 'it' : 'them'} again.` : '';
    const how = found.length ? ' Each group shows its best copy first (the largest resolution, then the largest file, then the oldest), kept; mark which others to keep too.' : '';
    $('duplicates-status').textContent = `${found.length ? plural(found.length, 'group') : 'No groups'} of near-identical photos among ${plural(index.size, 'photo')} (cosine ≥ ${DUPLICATE_THRESHOLD}).${how}${missing}`;
    $('duplicates').append(
      ...ranked.map((g, i) => {
        const li = document.createElement('li');
        li.className = 'group';
        const h = document.createElement('h3');
        h.id = `dup-group-${i + 1}`;
        const others = g.photos.slice(1).map((p) => p.likeness);
        h.textContent = `${plural(g.photos.length, 'photo')}: the others ${Math.round(Math.min(...others) * 100)}–${Math.round(Math.max(...others) * 100)}% alike to the best copy`;
        const ul = document.createElement('ul');
        ul.className = 'strip';
        ul.setAttribute('aria-labelledby', h.id);
        const strip = new Strip(ul);
        strip.fill(
          g.photos.map(({ record: r, likeness }, j) => ({
            record: r,
            score: likeness,
            note: j ? `${pct(likeness)} alike` : 'best copy',
            lines: [r.width && r.height ? `${r.width} × ${r.height}` : 'resolution unknown', bytes(r.size), `modified ${new Date(r.lastModified).toISOString().slice(0, 10)}`],
            actions: [
              { label: 'Keep', aria: `Keep ${r.name}`, pressed: keep.has(r.key), onClick: (e) => toggleKeep(r, /** @type {HTMLElement} */ (e.currentTarget)) },
              open(r),
            ],
          })),
        );
        ul.firstElementChild?.classList.add('best');
        groups.push(strip);
        li.append(h, ul);
        return li;
      }),
    );
    exportRow.hidden = !found.length;
    if (found.length) showKept();
    document.body.dataset.duplicates = String(found.length);
  }

  function toggleKeep(r, button) {
    if (keep.has(r.key)) keep.delete(r.key);
    else keep.add(r.key);
    button.setAttribute('aria-pressed', String(keep.has(r.key)));
    showKept();
  }

  exportJSON.addEventListener('click', () => exportOthers('json'));
  exportCSV.addEventListener('click', () => exportOthers('csv'));

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
