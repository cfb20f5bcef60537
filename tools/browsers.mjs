// One small page API over three engines, so a test is written once and run in each:
//   chromium  Debian's chromium through playwright-core (tools/chromium.mjs)
//   firefox   Debian's firefox-esr through puppeteer-core over WebDriver BiDi
//   webkit    WebKitGTK's MiniBrowser through selenium-webdriver and WebKitWebDriver, on an
//             Xvfb display of its own when there is no DISPLAY
// (Playwright's own firefox and webkit are patched builds it downloads: not available here.)
//
//   const b = await launchBrowser('webkit');   // throws, saying what to install, if it is missing
//   const page = await b.newPage();
//   await page.goto(url); await page.evaluate((x) => x + 1, 41); await page.goBack(); await page.close();
//   await b.close();
//
// What every engine offers the same way, page side: pages served by www/serve.mjs with
// `inject: hooks` (below) run tools/page-hooks.js first, which records uncaught errors and
// unhandled rejections (page.errors()) and counts live object URLs. Requests are logged by the
// server (serve's `log`), the one log all three engines share; where the driver reports the
// browser's own network traffic (Chromium through Playwright, Firefox through WebDriver BiDi's
// network events) `browser.requests` is that log too, every page and worker of the session in
// it, requests to any origin included (null in WebKit: WebKitWebDriver has no network events).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ENGINES = ['chromium', 'firefox', 'webkit'];

/** serve({ inject: hooks }) puts tools/page-hooks.js first in every page. */
export const hooks = { path: '/__effnet-test-hooks.js', file: fileURLToPath(new URL('./page-hooks.js', import.meta.url)) };

const FIREFOX = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';
const MINIBROWSER = process.env.MINIBROWSER_PATH || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH || '/usr/bin/WebKitWebDriver';

/** What is missing to run `engine`, as a sentence naming the Debian package, or null. */
export function missing(engine) {
  const need = {
    chromium: [[process.env.CHROMIUM_PATH || '/usr/bin/chromium', 'chromium']],
    firefox: [[FIREFOX, 'firefox-esr']],
    webkit: [[MINIBROWSER, 'webkit2gtk-driver'], [WEBKIT_DRIVER, 'webkit2gtk-driver'], ...(process.env.DISPLAY ? [] : [['/usr/bin/Xvfb', 'xvfb']])],
  }[engine];
  if (!need) return `unknown engine ${engine} (one of ${ENGINES.join(', ')})`;
  const gone = need.filter(([path]) => !existsSync(path));
  if (!gone.length) return null;
  return `${engine}: ${gone.map(([p]) => p).join(', ')} not found: apt-get install ${[...new Set(gone.map(([, pkg]) => pkg))].join(' ')} (.ci/run installs it)`;
}

/**
 * @param {'chromium'|'firefox'|'webkit'} engine
 * @param {{fakeCamera?: boolean, backForwardCache?: boolean}} [o] fakeCamera: a test-pattern
 *   camera, permission granted; backForwardCache: pages left keep living frozen, as for a person
 *   (Playwright turns Chromium's off; Firefox's and WebKit's are on as they ship)
 */
export async function launchBrowser(engine, { fakeCamera = false, backForwardCache = false } = {}) {
  const why = missing(engine);
  if (why) throw new Error(why);
  if (engine === 'chromium') return launchChromium({ fakeCamera, backForwardCache });
  if (engine === 'firefox') return launchFirefox({ fakeCamera });
  return launchWebKit({ fakeCamera });
}

/**
 * One request of the browser's own network log (`browser.requests`).
 * @typedef {{url: string, method: string, bodyBytes: number, headerBytes: number, outcome: string|null}} LoggedRequest
 *   bodyBytes: the request body's size (0 without one); headerBytes: its headers' names and
 *   values; outcome: the response's status, `failed: <why>` or null while unanswered
 */

/** Page methods the engines share; each engine class supplies evaluate, goto, reload, goBack, goForward, click, setInputFiles, screenshot, close. */
class Page {
  /** Polls `fn(arg)` in the page until it is truthy; returns its value. */
  async waitForFunction(fn, arg, { timeout = 30_000, interval = 100 } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        last = await this.evaluate(fn, arg);
        if (last) return last;
      } catch (e) {
        // a page between two documents (reload) cannot evaluate: try again
        if (!/navigat|context|destroyed|detached|unload|no such|discarded/i.test(String(e?.message))) throw e;
      }
      if (Date.now() > deadline) throw new Error(`waitForFunction timed out after ${timeout} ms: ${String(fn).slice(0, 200)} (last: ${JSON.stringify(last)})`);
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  textContent(selector) {
    return this.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector);
  }

  /** Uncaught errors and unhandled rejections of every document this page has shown (page-hooks.js keeps them in sessionStorage). */
  async errors() {
    const hooked = await this.evaluate(() => (globalThis.effnetTestErrors ? globalThis.effnetTestErrors() : null));
    if (hooked === null) throw new Error('page-hooks.js is not in this page: serve it with { inject: hooks }');
    return [...new Set([...hooked, ...this.nativeErrors])];
  }

  nativeErrors = [];
}

// ---- chromium: playwright-core ------------------------------------------------------------

async function launchChromium({ fakeCamera, backForwardCache }) {
  const { launch } = await import('./chromium.mjs');
  const b = await launch({
    args: fakeCamera ? ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] : [],
    ignoreDefaultArgs: backForwardCache ? ['--disable-back-forward-cache'] : [],
  });
  /** @type {LoggedRequest[]} */
  const requests = [];
  const logged = new Map();
  b.context.on('request', (r) => {
    const entry = {
      url: r.url(),
      method: r.method(),
      bodyBytes: r.postDataBuffer()?.length ?? 0,
      headerBytes: Object.entries(r.headers()).reduce((n, [k, v]) => n + k.length + v.length, 0),
      outcome: null,
    };
    logged.set(r, entry);
    requests.push(entry);
    // every header, as sent (a body Playwright does not show, a Blob's, still has its length)
    r.allHeaders().then(
      (h) => {
        entry.headerBytes = Object.entries(h).reduce((n, [k, v]) => n + k.length + v.length, 0);
        entry.bodyBytes = Math.max(entry.bodyBytes, Number(h['content-length'] ?? 0));
      },
      () => {},
    );
  });
  b.context.on('requestfinished', async (r) => {
    const entry = logged.get(r);
    if (entry) entry.outcome = String((await r.response().catch(() => null))?.status() ?? 'finished');
  });
  b.context.on('requestfailed', (r) => {
    const entry = logged.get(r);
    if (entry) entry.outcome = `failed: ${r.failure()?.errorText}`;
  });
  return {
    engine: 'chromium',
    version: b.context.browser()?.version() ?? 'chromium',
    requests,
    async newPage() {
      const p = await b.context.newPage();
      return new ChromiumPage(p);
    },
    close: () => b.close(),
  };
}

class ChromiumPage extends Page {
  constructor(p) {
    super();
    this.p = p;
    p.on('pageerror', (e) => this.nativeErrors.push(`pageerror: ${e.message}`));
  }
  evaluate(fn, arg) {
    return this.p.evaluate(fn, arg);
  }
  goto(url) {
    return this.p.goto(url);
  }
  reload() {
    return this.p.reload();
  }
  // a page restored from the back-forward cache fires no load event: the navigation's commit
  goBack() {
    return this.p.goBack({ waitUntil: 'commit' });
  }
  goForward() {
    return this.p.goForward({ waitUntil: 'commit' });
  }
  click(selector) {
    return this.p.click(selector);
  }
  setInputFiles(selector, paths) {
    return this.p.setInputFiles(selector, paths);
  }
  screenshot(path, { fullPage = true } = {}) {
    return this.p.screenshot({ path, fullPage });
  }
  close() {
    return this.p.close();
  }
}

// ---- firefox: puppeteer-core over WebDriver BiDi ------------------------------------------

async function launchFirefox({ fakeCamera }) {
  const { default: puppeteer } = await import('puppeteer-core');
  const profile = await mkdtemp(join(tmpdir(), 'effnet-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    // a test's own timeouts say what hung; the driver's must not cut a long evaluate short
    protocolTimeout: 30 * 60_000,
    extraPrefsFirefox: {
      // offline but for the test servers: no update, telemetry or safe-browsing requests
      'network.proxy.type': 0,
      'app.update.enabled': false,
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
      'datareporting.healthreport.uploadEnabled': false,
      'toolkit.telemetry.enabled': false,
      ...(fakeCamera ? { 'media.navigator.streams.fake': true, 'media.navigator.permission.disabled': true } : {}),
    },
  });
  // the browser's own network log, from WebDriver BiDi's network events (puppeteer subscribes
  // the session to them for every context; its page 'request' events leave out what has no
  // page of its own, so the connection's events are read directly)
  /** @type {LoggedRequest[]} */
  const requests = [];
  const pending = new Map();
  const connection = /** @type {any} */ (browser).connection;
  connection.on('network.beforeRequestSent', (e) => {
    const entry = {
      url: e.request.url,
      method: e.request.method,
      bodyBytes: e.request.bodySize ?? 0,
      headerBytes: e.request.headers.reduce((n, h) => n + h.name.length + (h.value.value?.length ?? 0), 0),
      outcome: null,
    };
    pending.set(e.request.request, entry);
    requests.push(entry);
  });
  connection.on('network.responseCompleted', (e) => {
    const entry = pending.get(e.request.request);
    if (entry) entry.outcome = String(e.response.status);
  });
  connection.on('network.fetchError', (e) => {
    const entry = pending.get(e.request.request);
    if (entry) entry.outcome = `failed: ${e.errorText}`;
  });
  return {
    engine: 'firefox',
    version: await browser.version(),
    requests,
    async newPage() {
      return new FirefoxPage(await browser.newPage());
    },
    async close() {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

class FirefoxPage extends Page {
  constructor(p) {
    super();
    this.p = p;
    p.on('pageerror', (e) => this.nativeErrors.push(`pageerror: ${e.message ?? e}`));
  }
  evaluate(fn, arg) {
    return this.p.evaluate(fn, arg);
  }
  async goto(url) {
    await this.p.goto(url);
  }
  async reload() {
    await this.p.reload();
  }
  // through the page: puppeteer's goBack/goForward wait for a load event that a page restored
  // from the back-forward cache never fires (the caller waits for what it needs)
  async goBack() {
    await this.p.evaluate(() => setTimeout(() => history.back()));
  }
  async goForward() {
    await this.p.evaluate(() => setTimeout(() => history.forward()));
  }
  click(selector) {
    return this.p.click(selector);
  }
  async setInputFiles(selector, paths) {
    const el = await this.p.$(selector);
    await el.uploadFile(...paths);
  }
  screenshot(path, { fullPage = true } = {}) {
    return this.p.screenshot({ path, fullPage });
  }
  close() {
    return this.p.close();
  }
}

// ---- webkit: selenium-webdriver and WebKitWebDriver ----------------------------------------

const freePort = () =>
  new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

/** An Xvfb display of our own (its number chosen by Xvfb: -displayfd), stopped by the returned function. */
async function startXvfb() {
  const x = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const display = await new Promise((ok, fail) => {
    let out = '';
    x.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) ok(`:${out.trim()}`);
    });
    x.once('exit', (code) => fail(new Error(`Xvfb exited (${code}) before giving a display`)));
    x.once('error', fail);
  });
  return { display, stop: () => x.kill() };
}

async function waitForPort(port, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/status`).then((r) => r.ok, () => false);
    if (up) return;
    if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not answer on port ${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function launchWebKit({ fakeCamera }) {
  const { Builder } = await import('selenium-webdriver');
  const xvfb = process.env.DISPLAY ? null : await startXvfb();
  const env = { ...process.env, ...(xvfb ? { DISPLAY: xvfb.display } : {}) };
  const port = await freePort();
  const driverProcess = spawn(WEBKIT_DRIVER, [`--port=${port}`], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const stop = () => {
    driverProcess.kill();
    xvfb?.stop();
  };
  // MiniBrowser takes WebKitSettings as switches: mock capture devices are WebKit's own test
  // camera (whether a page may use it is MiniBrowser's permission prompt: see docs/browsers.md)
  const args = ['--automation', ...(fakeCamera ? ['--enable-media-stream=true', '--enable-mock-capture-devices=true'] : [])];
  try {
    await waitForPort(port, 10_000);
    const driver = await new Builder()
      .usingServer(`http://127.0.0.1:${port}`)
      .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args } })
      .build();
    // as for Firefox: a test's own timeouts say what hung (a stress page of 25 instances on a
    // loaded machine took over 5 min, which the driver's 300 s cut short)
    await driver.manage().setTimeouts({ script: 30 * 60_000, pageLoad: 120_000 });
    const caps = await driver.getCapabilities();
    const tabs = new Tabs(driver, await driver.getWindowHandle());
    return {
      engine: 'webkit',
      version: `WebKitGTK ${caps.get('browserVersion')}`,
      requests: null,
      // one tab, reused as a person reuses it: a new page takes over the tab a closed page
      // left (at about:blank); a second window only while another page is still open
      async newPage() {
        return new WebKitPage(await tabs.take());
      },
      async close() {
        await driver.quit().catch(() => {});
        stop();
      },
    };
  } catch (e) {
    stop();
    throw e;
  }
}

/**
 * The session's tabs. WebDriver commands go to one current tab, so every command of a page runs
 * through `run`, which makes that page's tab current first; one command at a time, so pages used
 * side by side (two tabs at once) never send to each other's tab.
 */
class Tabs {
  constructor(driver, first) {
    this.d = driver;
    this.current = first;
    this.free = [first]; // tabs whose page was closed: at about:blank, for the next page
    this.open = 0;
    this.queue = Promise.resolve();
  }
  /** `fn()` with `handle`'s tab current (null: whichever is current), after the commands before it. */
  run(handle, fn) {
    const go = async () => {
      if (handle !== null && this.current !== handle) {
        await this.d.switchTo().window(handle);
        this.current = handle;
      }
      return fn();
    };
    const r = this.queue.then(go, go);
    this.queue = r.catch(() => {});
    return r;
  }
  /** A tab for a new page: a free one, or a new window beside the open ones. */
  async take() {
    this.open++;
    const free = this.free.pop();
    if (free) return { tabs: this, handle: free };
    const handle = await this.run(null, async () => {
      // New Window needs a current tab that is still open
      if (this.current === null) await this.d.switchTo().window((await this.d.getAllWindowHandles())[0]);
      // a window, not a tab: WebDriver cannot bring a tab to the front in MiniBrowser, and a
      // background tab is hidden (no animation frames: the tagger's grid, the demo's cards wait)
      await this.d.switchTo().newWindow('window');
      this.current = await this.d.getWindowHandle();
      return this.current;
    });
    return { tabs: this, handle };
  }
  /** The page in `handle` is done: its tab is left for the next page, or its window closed if others are open. */
  async release(handle) {
    await this.run(handle, async () => {
      // page-hooks.js keeps the errors in the tab's sessionStorage: the next page here starts
      // without this one's
      await this.d.executeScript('try { sessionStorage.removeItem("effnet-test:errors"); } catch (e) {}').catch(() => {});
      this.open--;
      if (this.open > 0 || this.free.length) {
        await this.d.close();
        this.current = null;
      } else {
        // the last tab stays, left for a blank page as a person leaves a site
        await this.d.get('about:blank');
        this.free.push(handle);
      }
    });
  }
}

class WebKitPage extends Page {
  /** @param {{tabs: Tabs, handle: string}} tab */
  constructor({ tabs, handle }) {
    super();
    this.tabs = tabs;
    this.handle = handle;
    this.d = tabs.d;
  }
  /** `fn(driver)` in this page's tab. */
  #run(fn) {
    return this.tabs.run(this.handle, () => fn(this.d));
  }
  async evaluate(fn, arg) {
    // the function's source runs as WebDriver script (not eval: the pages' CSP forbids it);
    // errors come back as values, so the page's message survives
    const r = await this.#run((d) =>
      d.executeAsyncScript(
        `const done = arguments[arguments.length - 1];
       Promise.resolve().then(() => (${fn})(arguments[0])).then(
         (v) => done({ v: v === undefined ? null : v }),
         (e) => done({ e: (e && e.name ? e.name + ': ' : '') + (e && e.message !== undefined ? e.message : String(e)) }));`,
        arg,
      ),
    );
    if (r && 'e' in r) throw new Error(`in the page: ${r.e}`);
    return r?.v;
  }
  goto(url) {
    return this.#run((d) => d.get(url));
  }
  reload() {
    return this.#run((d) => d.navigate().refresh());
  }
  goBack() {
    return this.#run((d) => d.navigate().back());
  }
  goForward() {
    return this.#run((d) => d.navigate().forward());
  }
  async click(selector) {
    const { By } = await import('selenium-webdriver');
    await this.#run(async (d) => (await d.findElement(By.css(selector))).click());
  }
  async setInputFiles(selector, paths) {
    const { By } = await import('selenium-webdriver');
    // several files are one string, a line each; WebKitGTK gives no folder this way
    await this.#run(async (d) => (await d.findElement(By.css(selector))).sendKeys(paths.join('\n')));
  }
  async screenshot(path) {
    await writeFile(path, Buffer.from(await this.#run((d) => d.takeScreenshot()), 'base64'));
  }
  close() {
    return this.tabs.release(this.handle);
  }
}
