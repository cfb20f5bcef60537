// The page's "Teach a tag": pick photos in the grid, name the tag, see it applied to the
// collection with scores, confirm or reject suggestions (taught.js); taught tags are kept in
// IndexedDB (store.js) and exported or imported as a small JSON file of vectors and names.
import { Strip } from './strip.js';
import { applyTag, fromFile, judge, tagName, teach, toFile } from './taught.js';
import { download } from './export.js';
import { pct } from '../score-bars.js';
import * as store from './store.js';

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const NEAR_MISSES = 6; // photos shown below the threshold, best first: what the user may confirm

/**
 * @param {{grid, vectors: () => import('./vectors.js').VectorIndex, $: (id: string) => HTMLElement,
 *          model: () => Promise<{id: string, sha256?: string}>, onChange: () => void}} o
 */
export function teachUI({ grid, vectors, $, model, onChange }) {
  const taught = new Map(); // name -> tag
  const suggestions = new Strip($('suggestions'));
  let current = null; // the tag whose suggestions are shown
  const status = (text) => ($('teach-status').textContent = text);

  /** Gives every record its taught tags (record.taught), as search, details and exports read them. */
  function applyAll() {
    for (const r of grid.records.values()) r.taught = [];
    const index = vectors();
    for (const tag of taught.values()) {
      for (const a of applyTag(tag, index)) {
        if (a.suggested) grid.records.get(a.key).taught.push({ tag: tag.name, score: a.score, kind: 'taught', confirmed: a.kind === 'positive' });
      }
    }
    onChange();
    document.body.dataset.taughtApplied = String(Number(document.body.dataset.taughtApplied ?? 0) + 1);
  }

  function listTags() {
    $('taught-tags').replaceChildren(
      ...[...taught.values()].map((t) => {
        const li = document.createElement('li');
        const n = [...grid.records.values()].filter((r) => r.taught?.some((x) => x.tag === t.name)).length;
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
            taught.delete(t.name);
            await store.deleteTaught(t.name);
            if (current === t.name) hideSuggestions();
            applyAll();
            listTags();
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
    const tag = taught.get(name);
    if (!tag) return hideSuggestions();
    current = name;
    const applied = applyTag(tag, vectors());
    const shown = [...applied.filter((a) => a.suggested || a.kind), ...applied.filter((a) => !a.suggested && !a.kind).slice(0, NEAR_MISSES)].sort((a, b) => b.score - a.score);
    const verdict = (a, v) => async () => {
      const r = grid.records.get(a.key);
      taught.set(name, judge(taught.get(name), r, v));
      await store.putTaught(taught.get(name));
      applyAll();
      listTags();
      showSuggestions(name);
      status(`${r.name}: ${v === 'positive' ? 'confirmed as' : 'rejected for'} “${name}”.`);
    };
    suggestions.fill(
      shown.map((a) => {
        const r = grid.records.get(a.key);
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
      const picked = [...(grid.selecting ?? [])].map((k) => grid.records.get(k)).filter(Boolean);
      let tag = taught.get(name);
      if (tag) for (const r of picked.filter((r) => r.embedding)) tag = judge(tag, r, 'positive');
      else tag = teach(name, picked);
      taught.set(name, tag);
      await store.putTaught(tag);
      picking(false);
      go.textContent = 'Teach the tag';
      applyAll();
      listTags();
      showSuggestions(name);
      const skipped = picked.filter((r) => !r.embedding).length;
      status(`Taught “${name}” from ${plural(tag.positives.length, 'example')}` + (skipped ? ` (${plural(skipped, 'photo')} tagged before similar search existed left out: tag them again)` : '') + '.');
    } catch (err) {
      status(`The tag could not be taught: ${err.message}`);
    }
  });

  $('taught-export').addEventListener('click', async () => {
    const tags = [...taught.values()];
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
      const index = vectors();
      const tags = fromFile(await file.text(), { model: await model(), dims: index.size ? index.dims : undefined });
      for (const t of tags) {
        taught.set(t.name, t);
        await store.putTaught(t);
      }
      applyAll();
      listTags();
      status(`Imported ${plural(tags.length, 'taught tag')}: ${tags.map((t) => t.name).join(', ')}.`);
    } catch (err) {
      status(`${file.name} could not be imported: ${err.message}`);
    }
  });

  return {
    taught,
    /** Reads the stored taught tags and applies them (after the library is shown). */
    async load() {
      for (const t of await store.allTaught()) taught.set(t.name, t);
      if (taught.size) applyAll();
      listTags();
    },
    /** New results arrived: the taught tags are applied to them too. */
    refresh() {
      if (!taught.size) return;
      applyAll();
      listTags();
      if (current) showSuggestions(current);
    },
    get liveUrls() {
      return suggestions.liveUrls;
    },
    clear() {
      hideSuggestions();
      if (grid.selecting) picking(false);
    },
  };
}
