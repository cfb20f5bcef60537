// The demo page: pick a model, drop/paste/choose images or start the webcam, see the top-5.
import { ErrorCode, ImageClassifier, ModelCache, capabilities, models } from 'effnet-wasm';
import { LoadBar } from '../load-bar.js';
import { registerOffline } from '../offline/register.js';
import { ModelSlot } from './model-slot.js';
import { addCard } from './results.js';
import { Webcam } from './webcam.js';
import { dropZone } from '../ui/drop-zone.js';
import { restartNote } from '../ui/restart-note.js';
import './index.html';
import '../theme.css';
import './style.css';

const $ = (id) => document.getElementById(id);
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;

const slot = new ModelSlot(loadModel);
let loads = 0; // the progress bar and the model's description belong to the latest load
const notKept = new Set(); // models loaded this visit that the browser's storage refused to keep
let persistAsked = false;

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = !message;
}

function describeBackend(backend, caps, restarts) {
  const parts = ['WebAssembly SIMD'];
  if (caps.relaxedSimd) parts.push(backend.relaxedSimd ? 'relaxed SIMD' : 'relaxed SIMD available (not used)');
  parts.push(backend.threads > 1 ? `${backend.threads} threads` : '1 thread');
  // why not more: no SharedArrayBuffer, no isolation, fewer cores than the browser claims
  if (backend.threadsReason) parts.push(backend.threadsReason);
  else if (caps.crossOriginIsolated) parts.push('cross-origin isolated');
  return [`Backend: ${parts.join(', ')}.`, restartNote(restarts)].filter(Boolean).join(' ');
}

/** The storage figures, and persistent storage asked for once more than one model is kept. */
async function showStorage(cachedCount) {
  const storage = navigator.storage;
  if (!storage?.estimate) {
    $('storage').textContent = 'This browser gives no storage figures.';
    return;
  }
  let persisted = (await storage.persisted?.()) ?? false;
  // two models are tens of megabytes the user chose to keep: worth keeping through a storage
  // pressure clean-up, which the browser decides (Chromium grants it to sites in use)
  if (cachedCount > 1 && !persisted && storage.persist && !persistAsked) {
    persistAsked = true;
    persisted = await storage.persist();
  }
  const { usage = 0, quota = 0 } = await storage.estimate();
  const kept = persisted
    ? 'Persistent storage: the browser will not clear it to make room.'
    : `The browser may clear it when space runs low${persistAsked ? ' (persistent storage was asked for and not granted)' : ''}.`;
  $('storage').textContent = `This site stores ${mb(usage)} of the ${mb(quota)} this browser allows it. ${kept}`;
}

async function refreshCache() {
  const cached = await ModelCache.list();
  const list = $('cache-list');
  list.replaceChildren(
    ...cached.map((m) => {
      const li = document.createElement('li');
      li.textContent = `${m.id} — ${mb(m.bytes)}, stored ${new Date(m.storedAt).toLocaleString()}`;
      return li;
    }),
  );
  if (!cached.length) list.innerHTML = '<li class="muted">none</li>';
  const current = new Set();
  for (const opt of $('model').options) {
    const m = models.find((x) => x.id === opt.value);
    const isCached = await ModelCache.has(m.id);
    if (isCached) current.add(m.id);
    // a model whose weights the user must supply is listed, but cannot be picked until built
    opt.textContent = m.available ? `${m.name ?? m.id} (${mb(m.bytes)}${isCached ? ', cached' : ''})` : `${m.name ?? m.id} (not built)`;
    opt.disabled = !m.available;
  }
  await showStorage(current.size).catch((e) => ($('storage').textContent = `No storage figures: ${e.message}`));
  return current;
}

function describeModel(m, cached) {
  if (!m.available) return `${m.preprocess.size}×${m.preprocess.size} input. Not built: npm run models -- --from <checkpoint> --only ${m.id}`;
  const acc = m.reference?.top1 ? `, ${m.reference.top1} % top-1 on ImageNet` : '';
  const state = cached.has(m.id)
    ? '✓ cached'
    : notKept.has(m.id)
      ? 'Loaded, but not cached: this browser refused to store it (storage full or private browsing), so the next visit downloads it again'
      : 'not downloaded yet';
  return `${m.preprocess.size}×${m.preprocess.size} input, ${mb(m.bytes)} download${acc}. ${state}`;
}

async function loadModel(id) {
  const load = ++loads;
  const current = () => load === loads;
  showError('');
  const bar = $('progress-bar');
  const text = $('progress-text');
  $('progress').hidden = false;
  bar.value = 0;
  text.textContent = 'Starting…';
  const progress = new LoadBar(bar, text); // the wasm and the model: one bar
  const caps = await capabilities();
  try {
    const clf = await ImageClassifier.create({
      model: id,
      cacheRuntime: true, // the wasm kept too: the page works offline (www/offline/)
      onProgress: (e) => current() && progress.update(e),
    });
    if (clf.load.cached || clf.load.stored) notKept.delete(id);
    else notKept.add(id);
    if (current()) {
      bar.value = 1;
      $('backend').textContent = describeBackend(clf.backend, caps, clf.restarts);
      document.body.dataset.threads = String(clf.backend.threads);
    }
    return clf;
  } catch (e) {
    if (current()) {
      text.textContent = 'Failed';
      showError(`The model could not be loaded: ${e.message}`);
    }
    throw e;
  } finally {
    const cached = await refreshCache();
    if (current()) {
      $('model-info').textContent = describeModel(models.find((m) => m.id === id), cached);
      setTimeout(() => current() && ($('progress').hidden = true), 1500);
    }
  }
}

/** Classifies with the chosen model; a call caught by a model change is run again on the new one. */
async function classify(source, options) {
  for (;;) {
    const model = await slot.get($('model').value);
    try {
      return await model.classify(source, options);
    } catch (e) {
      if (e.code !== ErrorCode.DISPOSED) throw e;
    } finally {
      // a call the library ran again in a fresh worker says so
      if (model.restarts.length) $('backend').textContent = describeBackend(model.backend, await capabilities(), model.restarts);
    }
  }
}

async function classifyFiles(files) {
  showError('');
  const images = Array.from(files);
  if (!images.length) return;
  // a batch keeps its order, above earlier results
  const cards = [];
  for (const f of images) {
    const url = f.type.startsWith('image/') ? URL.createObjectURL(f) : null;
    cards.push(addCard($('results'), f.name, url, cards.at(-1)?.element));
  }
  try {
    await slot.get($('model').value);
  } catch {
    cards.forEach((c) => c.fail(new Error('no model loaded')));
    return;
  }
  for (const [i, file] of images.entries()) {
    try {
      cards[i].show(await classify(file));
    } catch (e) {
      cards[i].fail(e);
      showError(`${file.name}: ${e.message}`);
    }
  }
}

function setup() {
  const select = $('model');
  for (const m of models) {
    const opt = new Option(m.id, m.id);
    opt.disabled = !m.available;
    select.append(opt);
  }
  select.addEventListener('change', () => slot.get(select.value).catch(() => {}));

  $('files').addEventListener('change', (e) => classifyFiles(e.target.files).finally(() => (e.target.value = '')));
  const drop = $('drop');
  dropZone(drop, (data) => classifyFiles(data.files));
  drop.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      $('files').click();
    }
  });
  document.addEventListener('paste', (e) => {
    const files = Array.from(e.clipboardData?.files ?? []);
    if (files.length) classifyFiles(files);
  });

  $('cache-clear').addEventListener('click', async () => {
    slot.drop(); // the next use loads the model anew, downloading it
    await ModelCache.clear();
    const cached = await refreshCache();
    $('model-info').textContent = describeModel(models.find((m) => m.id === select.value), cached);
  });

  const button = $('webcam');
  let live = null;
  const stopCamera = () => {
    cam.stop();
    live = null;
    button.textContent = 'Start webcam';
    button.setAttribute('aria-pressed', 'false');
  };
  const cam = new Webcam(
    $('video'),
    async (video) => {
      try {
        const r = await classify(video, { maxResults: 5 });
        if (!cam.running) return; // stopped while this frame was in the worker
        live ??= addCard($('results'), 'Webcam', null);
        live.show(r);
      } catch (e) {
        // a model that cannot load, or a camera that stopped delivering: not retried frame after frame
        if (!cam.running) return;
        stopCamera();
        showError(`The webcam stopped: ${e.message}`);
      }
    },
    (fps) => ($('fps').textContent = fps == null ? '' : `${fps.toFixed(1)} frames per second`),
  );
  button.addEventListener('click', async () => {
    if (cam.running) {
      stopCamera();
      return;
    }
    try {
      await cam.start();
      button.textContent = 'Stop webcam';
      button.setAttribute('aria-pressed', 'true');
    } catch (e) {
      showError(`The camera could not start: ${e.message}`);
    }
  });
  // leaving the page (or hiding it) releases the camera
  document.addEventListener('visibilitychange', () => document.hidden && cam.running && button.click());
  window.addEventListener('pagehide', () => cam.running && cam.stop());

  slot.get(select.value).catch(() => {});
}

setup();
registerOffline('sw.js');
