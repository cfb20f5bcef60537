// The engine suite (suite.mjs) in Debian's firefox-esr, through puppeteer-core over WebDriver BiDi
// (whose network events are the browser's own request log: networkLog).
import { engineSuite } from './suite.mjs';
import { oneTabSuite } from './one-tab.mjs';

// 10 fresh instances: at 25 in one page, one run hung an instance's load (after the model's
// download, before its compile), and the model's Web Lock it held then stalled every later one
// (docs/performance.md, fresh instances per engine): not understood yet
engineSuite('firefox', { threads: true, relaxedSimd: true, stressInstances: 10, idbRefusesBlobs: false, networkLog: true });
oneTabSuite('firefox');
