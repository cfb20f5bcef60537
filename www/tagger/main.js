// The tagging page, wired: folder -> run queue -> runner -> library -> views.
// Picked photos (pick-ui.js) wait in the run queue (run-queue.js); each batch goes through the
// runner (tag-job.js, runner.js) into the library (library.js), the one owner of the records
// and taught tags, kept in IndexedDB or memory (store.js); the grid, details, similar photos,
// duplicates, teach-a-tag, search and export are views of it.
import { Library } from './library.js';
import { openStore } from './store.js';
import { RunQueue } from './run-queue.js';
import { tagJob } from './tag-job.js';
import { loadModel, showModel } from './model-status.js';
import { Messages } from './messages.js';
import { RunStatus } from './run-status.js';
import { FailureList } from './failure-list.js';
import { pickUI } from './pick-ui.js';
import { Grid } from './grid.js';
import { Details } from './details.js';
import { searchUI } from './search-ui.js';
import { similarUI } from './similar-ui.js';
import { teachUI } from './teach-ui.js';
import { exportUI } from './export-ui.js';
import { modelInfo } from './runner.js';
import { registerOffline } from '../offline/register.js';
import './index.html';
import '../theme.css';
import './style.css';

const $ = (id) => document.getElementById(id);

const opened = openStore();
const library = new Library(opened.then((o) => o.store));
const messages = new Messages({ error: $('error'), warning: $('warning') });
const status = new RunStatus($);
const failures = new FailureList({ box: $('failures-box'), heading: $('failures-h'), list: $('failures') }).follow(library);
const clfReady = loadModel({ $, messages });
clfReady.catch(() => {});

const details = new Details($('details'), library, { onSimilar: (r) => similar.show(r) });
const grid = new Grid($('grid'), library, { onOpen: (r) => details.open(r) });
const search = searchUI({ library, grid, $ });
const similar = similarUI({ library, details, $ });
teachUI({ library, grid, $, model: async () => modelInfo(await clfReady) });
const exports = exportUI({ library, $, query: () => grid.query, onError: (m) => messages.error(m) });

const queue = new RunQueue(
  tagJob({
    classifier: () => clfReady,
    library,
    status,
    failures,
    messages,
    exports,
    onEnd: () => {
      grid.render(); // the final order
      search.refresh();
      clfReady.then((c) => showModel($('model-status'), c)); // an engine restarted during the run says so
    },
  }),
  { onQueued: (jobs) => status.queued(jobs) },
);
pickUI({ $, tag: (job) => queue.add(job), busy: () => queue.running, summary: (t) => status.summary(t), onError: (m) => messages.error(m) });
$('cancel').addEventListener('click', () => queue.cancel());
$('clear').addEventListener('click', async () => {
  await library.clear();
  status.cleared();
});
status.state('idle');

// the library so far: what earlier visits tagged
library
  .load()
  .then(
    async (records) => {
      await library.loadTaught().catch((e) => messages.error(`The taught tags could not be read from IndexedDB: ${e.message}`));
      document.body.dataset.library = String(records.length);
    },
    (e) => messages.error(`The results of earlier visits could not be read from IndexedDB: ${e.message}`),
  )
  .then(async () => {
    const { unavailable: e } = await opened;
    if (e) messages.warnOnce(`This browser does not let the page use IndexedDB (${e.name}: ${e.message}), so results cannot be kept: photos are tagged for this visit only.`);
  });
registerOffline('../sw.js');
