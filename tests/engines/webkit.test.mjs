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
  idbRefusesBlobs: true,
  // WebKitWebDriver speaks WebDriver classic only: no network events, so the servers' log is
  // the only one (it cannot see a request to another origin)
  networkLog: 'WebKitWebDriver reports no network traffic (no WebDriver BiDi): the servers\' log only',
});
oneTabSuite('webkit');
