// The engine suite (suite.mjs) in Debian's firefox-esr, through puppeteer-core over WebDriver BiDi.
import { engineSuite } from './suite.mjs';

engineSuite('firefox', { threads: true, relaxedSimd: true, stressInstances: 20, jpegMaxDiff: 255, idbRefusesBlobs: false });
