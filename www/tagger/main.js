// The tagging page: pick photos -> classify the new ones in the worker -> tags -> grid,
// search, export. Each step is its own module; this one wires them to the page.
import { Engines } from './engines.js';
import { canPickDirectory, fileKey, fromDrop, fromFileList, walkHandle } from './folder.js';
import { tagCounts } from './tags.js';
import { embeds, modelInfo, partition, run } from './runner.js';
import * as store from './store.js';
import { Grid } from './grid.js';
import { download, toCSV, toJSON, writeSidecars } from './export.js';
import { LoadBar } from '../load-bar.js';
import { registerOffline } from '../offline/register.js';
import { VectorIndex } from './vectors.js';
import { PERSON_NOTE, PERSON_TAG, searchTerm } from './people.js';
import { similarUI } from './similar-ui.js';
import { teachUI } from './teach-ui.js';
import './index.html';
import '../theme.css';
import './style.css';

const $ = (id) => document.getElementById(id);
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const duration = (s) => (s < 90 ? `${Math.ceil(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

const grid = new Grid($('grid'), $('details'));
const dirs = new Map(); // record key -> directory handle (folders chosen with the picker, this session)
// the collection's embeddings, built when first needed after a change (a copy of the records' own)
let index = null;
const vectors = () => (index ??= VectorIndex.from([...grid.records.values()].filter((r) => !r.error)));
const changed = () => (index = null);
const similar = similarUI({ grid, vectors, $ });
const taughtTags = teachUI({
  grid,
  vectors,
  $,
  model: async () => modelInfo(await clfReady),
  onChange: () => {
    grid.render();
    refreshTagList();
  },
});
let clfReady = null;
let controller = null;
const pending = []; // photos picked or dropped during a run: tagged after it, in order
let storageWarned = false;

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = !message;
}

/** Shown once: results that cannot be kept are still tagged and shown, for this visit. */
function warnStorage(message) {
  if (storageWarned) return;
  storageWarned = true;
  $('warning').textContent = message;
  $('warning').hidden = false;
}

function setState(state) {
  document.body.dataset.state = state;
  const running = state === 'running';
  $('clear').disabled = running;
  $('progress').hidden = !running && !$('progress-bar').value;
  $('cancel').disabled = !running;
}

async function loadModel() {
  const status = $('model-status');
  const bar = $('model-progress');
  const progress = new LoadBar(bar, status); // the wasm and the model: one bar
  bar.hidden = false;
  try {
    const clf = await Engines.create({
      cacheRuntime: true, // the wasm kept too: the page works offline (www/offline/)
      onProgress: (e) => progress.update(e),
    });
    const t = clf.backend.threads;
    const why = clf.backend.threadsReason ? ` (${clf.backend.threadsReason})` : '';
    status.textContent = `Model ready: ${clf.model.name ?? clf.model.id}, ${plural(t, 'thread')}${why}.`;
    document.body.dataset.model = 'ready';
    bar.hidden = true;
    return clf;
  } catch (e) {
    bar.hidden = true;
    status.textContent = 'The model could not be loaded.';
    showError(`The model could not be loaded: ${e.message}`);
    throw e;
  }
}

const failureItem = (path) => [...$('failures').children].find((li) => li.dataset.path === path);

/** One line per path: a photo failing again (or unreadable again) replaces its line. */
function listFailure({ path, error }) {
  const li = document.createElement('li');
  li.dataset.path = path;
  li.textContent = `${path}: ${error.message}`;
  const old = failureItem(path);
  if (old) old.replaceWith(li);
  else $('failures').append(li);
  countFailures();
}

/** A photo that failed before (for a passing reason) and was tagged now. */
function unlistFailure(path) {
  failureItem(path)?.remove();
  countFailures();
}

function countFailures() {
  const n = $('failures').children.length;
  $('failures-box').hidden = n === 0;
  $('failures-h').textContent = `Photos that could not be tagged (${n})`;
}

function showQueued() {
  const n = pending.reduce((sum, p) => sum + p.picked.entries.length, 0);
  $('queued').hidden = pending.length === 0;
  $('queued').textContent = pending.length ? `A run is in progress: ${plural(n, 'more photo')} will be tagged after it.` : '';
}

let tagListTimer = 0;
/** The count line now; the type-ahead list (a pass over every record) at most 5 times a second. */
function refreshTagList() {
  const records = [...grid.records.values()];
  const ok = records.filter((r) => !r.error).length;
  $('shown').textContent = grid.query
    ? `${plural(Number($('grid').dataset.shown), 'photo')} tagged “${grid.query}” of ${ok}.`
    : `${plural(ok, 'photo')} tagged.`;
  // a throttle, not a debounce: results arriving faster than every 200 ms must not hold it off
  if (tagListTimer) return;
  tagListTimer = setTimeout(() => {
    tagListTimer = 0;
    const all = [...grid.records.values()];
    $('tag-list').replaceChildren(...tagCounts(all).map(([tag, n]) => new Option(`${plural(n, 'photo')}`, tag)));
  }, 200);
}

function showProgress({ done, total, failed, perSecond, secondsLeft }) {
  $('progress-bar').value = total ? done / total : 1;
  const parts = [`${done} / ${total}`];
  if (perSecond) parts.push(`${perSecond.toFixed(1)} images/s`);
  if (secondsLeft != null && done < total) parts.push(`${duration(secondsLeft)} left`);
  if (failed) parts.push(`${failed} failed`);
  $('progress-text').textContent = parts.join(' · ');
}

/** Tags picked photos now, or after the current run (one run at a time), then what was queued. */
async function tag(picked, handles = false) {
  if (controller) {
    pending.push({ picked, handles });
    showQueued();
    return;
  }
  await tagNow(picked, handles);
  const queued = pending.shift();
  showQueued();
  if (queued) await tag(queued.picked, queued.handles);
}

/** Tags a set of picked photos: the already-known ones show at once, the rest are classified. */
async function tagNow({ entries, skipped, unreadable = [] }, handles) {
  showError('');
  for (const u of unreadable) listFailure({ path: u.path, error: { message: u.message } });
  const unread = unreadable.length ? `; ${unreadable.length} could not be read` : '';
  if (!entries.length) {
    const notes = [unreadable.length && `${unreadable.length} could not be read`, skipped && `${plural(skipped, 'other file')} skipped`].filter(Boolean);
    $('summary').textContent = `No photos found${notes.length ? ` (${notes.join(', ')})` : ''}.`;
    return;
  }
  controller = new AbortController();
  setState('running');
  const t0 = performance.now();
  try {
    const clf = await clfReady;
    const { known, todo } = await partition(entries, modelInfo(clf), { needEmbedding: embeds(clf) });
    if (handles) for (const e of entries) dirs.set(fileKey(e), e.dir);
    $('write-sidecars').hidden = dirs.size === 0;
    $('summary').textContent = `${plural(entries.length, 'photo')}: ${known.length} already tagged, ${todo.length} to tag.`;
    showProgress({ done: 0, total: todo.length, failed: 0 });
    const res = await run(clf, todo, {
      signal: controller.signal,
      onResult: (record) => {
        changed();
        grid.add(record);
        if (record.error) listFailure(record);
        else unlistFailure(record.path);
        refreshTagList();
      },
      onProgress: showProgress,
      onStoreError: (e) =>
        warnStorage(`Results could not be saved in IndexedDB (${e.name}: ${e.message}): they are kept in this page only, and those photos will be tagged again on the next visit.`),
    });
    const secs = (performance.now() - t0) / 1000;
    const what = `${plural(res.done - res.failed, 'new photo')} tagged` + (res.failed ? `, ${res.failed} failed` : '');
    $('summary').textContent = res.cancelled
      ? `Cancelled: ${what}; ${todo.length - res.done} not tagged.`
      : `Done: ${what} in ${duration(secs)}; ${plural(known.length, 'photo')} already tagged${unread}.`;
    document.body.dataset.newlyTagged = String(res.done);
    setState(res.cancelled ? 'cancelled' : 'done');
  } catch (e) {
    showError(`Tagging stopped: ${e.message}`);
    setState('failed');
  } finally {
    controller = null;
    changed();
    taughtTags.refresh(); // the taught tags on the new photos too
    grid.render(); // the final order
    refreshTagList();
  }
}

async function pickFolder() {
  if (!canPickDirectory()) return $('folder-input').click();
  let root;
  try {
    root = await showDirectoryPicker({ id: 'effnet-tagger', mode: 'read' });
  } catch (e) {
    if (e.name !== 'AbortError') showError(`The folder could not be opened: ${e.message}`);
    return;
  }
  if (!controller) $('summary').textContent = `Reading ${root.name}…`;
  try {
    await tag(await walkHandle(root), true);
  } catch (e) {
    showError(`The folder could not be read: ${e.message}`);
  }
}

async function exportAs(kind) {
  const records = grid.query ? [...$('grid').querySelectorAll('.photo')].map((b) => grid.records.get(b.dataset.key)) : [...grid.records.values()];
  records.sort((a, b) => a.path.localeCompare(b.path));
  const stamp = new Date().toISOString().slice(0, 10);
  if (kind === 'json') download(toJSON(records, { taughtTags: [...taughtTags.taught.values()] }), `photo-tags-${stamp}.json`, 'application/json');
  else download(toCSV(records), `photo-tags-${stamp}.csv`, 'text/csv');
  $('export-status').textContent = `Exported ${plural(records.length, 'photo')} as ${kind.toUpperCase()}.`;
}

async function sidecars() {
  const items = [...grid.records.values()].filter((r) => !r.error && dirs.has(r.key)).map((r) => ({ record: r, dir: dirs.get(r.key) }));
  const status = $('export-status');
  const { written, kept, failed } = await writeSidecars(items, { onProgress: (n, total) => (status.textContent = `Writing tag files: ${n} / ${total}`) });
  const notes = [
    kept.length && `${kept.length} left alone: another application's XMP file is there (${kept[0]})`,
    failed.length && `${failed.length} failed (${failed[0].path}: ${failed[0].message})`,
  ].filter(Boolean);
  status.textContent = `Wrote ${plural(written, 'XMP tag file')} next to the photos` + (notes.length ? `; ${notes.join('; ')}` : '.');
}

function setup() {
  clfReady = loadModel();
  clfReady.catch(() => {});
  setState('idle');

  $('pick-folder').addEventListener('click', pickFolder);
  $('pick-files').addEventListener('click', () => $('files-input').click());
  for (const id of ['folder-input', 'files-input']) {
    $(id).addEventListener('change', (e) => {
      const picked = fromFileList(e.target.files);
      e.target.value = ''; // at once: picking the same photos again during a run must fire change too
      tag(picked);
    });
  }
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', async (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    try {
      await tag(await fromDrop(e.dataTransfer));
    } catch (err) {
      showError(`The dropped items could not be read: ${err.message}`);
    }
  });
  // Cancel stops the run and drops what was queued behind it
  $('cancel').addEventListener('click', () => {
    pending.length = 0;
    showQueued();
    controller?.abort();
  });

  $('search').addEventListener('input', () => {
    grid.filter($('search').value, $('sort').value);
    // "person" is inferred, not recognised: the page says how far to trust it
    const person = searchTerm($('search').value).trim().toLowerCase() === PERSON_TAG;
    $('person-note').textContent = person ? PERSON_NOTE : '';
    $('person-note').hidden = !person;
    refreshTagList();
  });
  $('sort').addEventListener('change', () => grid.filter($('search').value, $('sort').value));
  $('export-json').addEventListener('click', () => exportAs('json'));
  $('export-csv').addEventListener('click', () => exportAs('csv'));
  $('write-sidecars').addEventListener('click', () => sidecars().catch((e) => showError(`Writing tag files failed: ${e.message}`)));
  $('clear').addEventListener('click', async () => {
    await store.clear();
    similar.clear();
    taughtTags.clear();
    grid.clear();
    changed();
    dirs.clear();
    $('failures').replaceChildren();
    $('failures-box').hidden = true;
    $('write-sidecars').hidden = true;
    $('summary').textContent = 'All results forgotten.';
    $('progress-bar').value = 0;
    $('progress-text').textContent = '';
    setState('idle');
    refreshTagList();
  });

  // the library so far: what earlier visits tagged
  store
    .allRecords()
    .then(
      async (records) => {
        grid.set(records);
        changed();
        records.filter((r) => r.error).forEach(listFailure);
        await taughtTags.load().catch((e) => showError(`The taught tags could not be read from IndexedDB: ${e.message}`));
        refreshTagList();
        document.body.dataset.library = String(records.length);
      },
      (e) => showError(`The results of earlier visits could not be read from IndexedDB: ${e.message}`),
    )
    .then(() => {
      const e = store.unavailable;
      if (e) warnStorage(`This browser does not let the page use IndexedDB (${e.name}: ${e.message}), so results cannot be kept: photos are tagged for this visit only.`);
    });
}

setup();
registerOffline('../sw.js');
