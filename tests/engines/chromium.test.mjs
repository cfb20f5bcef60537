// The engine suite (suite.mjs) in Debian's chromium, through playwright-core.
import { engineSuite } from './suite.mjs';
import { oneTabSuite } from './one-tab.mjs';

engineSuite('chromium', { threads: true, relaxedSimd: true, stressInstances: 20, idbRefusesBlobs: false, networkLog: true });
oneTabSuite('chromium');
