// The engine suite (suite.mjs) in WebKitGTK's MiniBrowser, through selenium-webdriver and
// WebKitWebDriver. No SharedArrayBuffer there (so one thread, the `simd` build: no relaxed
// SIMD either), and its automation sessions keep IndexedDB in memory, which refuses Blobs.
import { engineSuite } from './suite.mjs';
import { oneTabSuite } from './one-tab.mjs';

engineSuite('webkit', {
  threads: false,
  relaxedSimd: false,
  threadsReason: /^this browser has no SharedArrayBuffer$/,
  stressInstances: 20,
  // JavaScriptCore's rare trap (docs/performance.md): recovered by a fresh worker, counted
  recoveredTrapsOk: true,
 
  idbRefusesBlobs: true,
});
oneTabSuite('webkit');
