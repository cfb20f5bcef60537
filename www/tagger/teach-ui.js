// The page's "Teach a tag", a view of the library's taught tags: pick photos in the grid, name
// the tag, see it applied to the collection with scores, confirm or reject suggestions (the
// library keeps and applies them: library.js, taught.js); taught tags are exported or imported
// as a small JSON file of vectors and names.
import { Strip } from './strip.js';
import { tagName, toFile } from './taught.js';
import { download } from './export.js';
import { pct } from '../score-bars.js';
import { plural } from '../ui/plural.js';

const NEAR_MISSES = 6; // photos shown below the threshold, best first: what the user may confirm

/**
 * @param {{library: import('./library.js').Library, grid: import('./grid.js').Grid, $: (id: string) => HTMLElement,
 *          model: () => Promise<{id: string, sha256?: string}>}} o
 */
export function teachUI({ library, grid, $, model }) {
  const suggestions = new Strip($('suggestions'));
  let current = null; // the tag whose suggestions are shown
  const status = (text) => ($('teach-status').textContent = text);

  function listTags() {
    $('taught-tags').replaceChildren(
      ...library.taughtTags().map((t) => {
        const li = document.createElement('li');
        const n = library.all().filter((r) => r.taught?.some((x) => x.tag === t.name)).length;
        const text = document.createElement('span');
        text.textContent = `${t.name}: ${plural(n, 'photo')} (${plural(t.positives.length, 'example')}, ${t.negatives.length} rejected)`;
        const button = (label, aria, onClick) => {
          const b = document.createElement('button');
          b.type = 'button';
          b.textContent = label;
          b.setAttribute('aria-label', aria);
          b.addEventListener('click', onClick);
          return b;
        };
        li.append(
          text,
          button('Suggestions', `Suggestions for ${t.name}`, () => showSuggestions(t.name)),
          button('Forget', `Forget the tag ${t.name}`, async () => {
            if (current === t.name) hideSuggestions();
            await library.forget(t.name);
            status(`Forgot “${t.name}”.`);
          }),
        );
        return li;
      }),
    );
  }

  function hideSuggestions() {
    current = null;
    suggestions.clear();
    $('suggestions-box').hidden = true;
  }

  function showSuggestions(name) {
    const tag = library.taughtTag(name);
    if (!tag) return hideSuggestions();
    current = name;
    const applied = library.applied(name);
    const shown = [...applied.filter((a) => a.suggested || a.kind), ...applied.filter((a) => !a.suggested && !a.kind).slice(0, NEAR_MISSES)].sort((a, b) => b.score - a.score);
    const verdict = (a, v) => async () => {
      const r = library.get(a.key);
      await library.judge(name, a.key, v);
      showSuggestions(name);
      status(`${r.name}: ${v === 'positive' ? 'confirmed as' : 'rejected for'} “${name}”.`);
    };
    suggestions.fill(
      shown.map((a) => {
        const r = library.get(a.key);
        const what = a.kind === 'positive' ? 'example' : a.kind === 'negative' ? 'rejected' : a.suggested ? 'suggested' : 'below the threshold';
        return {
          record: r,
          score: a.score,
          note: `${pct(a.score)} · ${what}`,
          actions: [
            { label: 'Confirm', aria: `Confirm ${name} for ${r.name}`, pressed: a.kind === 'positive', onClick: verdict(a, 'positive') },
            { label: 'Reject', aria: `Reject ${name} for ${r.name}`, pressed: a.kind === 'negative', onClick: verdict(a, 'negative') },
          ],
        };
      }),
    );
    const n = applied.filter((a) => a.suggested).length;
    $('suggestions-h').textContent = `“${name}”: ${plural(n, 'photo')} at ${pct(tag.threshold)} or more`;
    $('suggestions-box').hidden = false;
  }

  // the taught tags changed or were applied to new results: the list and the suggestions shown follow
  library.addEventListener('taught', () => {
    listTags();
    if (current) showSuggestions(current);
    document.body.dataset.taughtApplied = String(Number(document.body.dataset.taughtApplied ?? 0) + 1);
  });
  library.addEventListener('reset', ({ cause }) => {
    if (cause !== 'clear') return;
    hideSuggestions();
    if (grid.selecting) picking(false);
  });

  // picking photos
  const select = $('teach-select');
  const go = $('teach-go');
  const canGo = () => (go.disabled = !(grid.selecting?.size && $('teach-name').value.trim()));
  const picking = (on) => {
    grid.select(on ? new Set() : null);
    select.setAttribute('aria-pressed', String(on));
    select.textContent = on ? 'Stop picking' : 'Pick photos in the grid';
    if (on) status('Click (or press Enter on) the photos that have the tag, then Teach.');
    canGo();
  };
  grid.onSelect = (keys) => {
    go.textContent = `Teach the tag from ${plural(keys.size, 'photo')}`;
    canGo();
  };
  select.addEventListener('click', () => picking(!grid.selecting));
  $('teach-name').addEventListener('input', canGo);
  $('teach-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const name = tagName($('teach-name').value);
      const { tag, skipped } = await library.teach(name, [...(grid.selecting ?? [])]);
      picking(false);
      go.textContent = 'Teach the tag';
      showSuggestions(name);
      status(`Taught “${name}” from ${plural(tag.positives.length, 'example')}` + (skipped.length ? ` (${plural(skipped.length, 'photo')} tagged before similar search existed left out: tag them again)` : '') + '.');
    } catch (err) {
      status(`The tag could not be taught: ${err.message}`);
    }
  });

  $('taught-export').addEventListener('click', async () => {
    const tags = library.taughtTags();
    if (!tags.length) return status('There are no taught tags to export.');
    download(toFile(tags, await model()), `taught-tags-${new Date().toISOString().slice(0, 10)}.json`, 'application/json');
    status(`Exported ${plural(tags.length, 'taught tag')} (their example vectors and names; no photos, no file names).`);
  });
  $('taught-import').addEventListener('click', () => $('taught-file').click());
  $('taught-file').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    try {
      const tags = await library.importTaught(await file.text(), await model());
      status(`Imported ${plural(tags.length, 'taught tag')}: ${tags.map((t) => t.name).join(', ')}.`);
    } catch (err) {
      status(`${file.name} could not be imported: ${err.message}`);
    }
  });

  return {
    get liveUrls() {
      return suggestions.liveUrls;
    },
  };
}
