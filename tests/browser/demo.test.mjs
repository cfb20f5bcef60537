// The demo page end to end, as a person uses it: upload photos, read the bars, reload,
// clear the cache, upload a non-image. Writes tests/artifacts/demo*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../www/serve.mjs';
import { launch, recordRequests } from './chromium.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = `${repo}/tests/fixtures`;
const artifacts = `${repo}/tests/artifacts`;
const reference = JSON.parse(await readFile(`${fixtures}/reference.json`, 'utf8'))['efficientnet-lite0'].images;
const mounts = { '/': `${repo}/dist-test` };

let isolated, plain, browser, requests;
const origins = []; // every server this session started: the only origins a request may go to
before(async () => {
  await mkdir(artifacts, { recursive: true });
  isolated = await serve({ port: 0, mounts });
  plain = await serve({ port: 0, mounts, isolation: false });
  origins.push(isolated.url, plain.url);
  // a fake camera (chromium's test pattern) with permission granted, for the webcam mode
  browser = await launch({ args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
  requests = recordRequests(browser.context);
});
after(async () => {
  await browser?.close();
  isolated?.close();
  plain?.close();
});

const modelRequests = () => requests.filter((r) => r.url.endsWith('.onnx')).length;

async function openDemo(server, page) {
  page ??= await browser.context.newPage();
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  await page.goto(`${server.url}/index.html`);
  await page.waitForFunction(() => document.querySelector('#backend').textContent !== '', null, { timeout: 60_000 });
  return page;
}

async function upload(page, files) {
  const done = await page.locator('.card:not([aria-busy])').count();
  await page.setInputFiles('#files', files.map((f) => `${fixtures}/${f}`));
  await page.waitForFunction((n) => document.querySelectorAll('.card:not([aria-busy])').length === n, done + files.length, { timeout: 60_000 });
}

const firstLabel = (page, name) =>
  page.locator('.card', { has: page.locator('h3', { hasText: name }) }).first().locator('.bar .label').first().textContent();

test('each fixture photo shows the reference top-1 first, with 2 threads when isolated', async () => {
  const page = await openDemo(isolated);
  assert.match(await page.textContent('#backend'), /2 threads, cross-origin isolated/);
  const photos = Object.keys(reference);
  await upload(page, photos);
  for (const name of photos) {
    const label = await firstLabel(page, name);
    console.log(`${name}: ${label}`);
    assert.equal(label, reference[name].top5[0][1], name);
  }
  assert.equal(await page.locator('.card').first().locator('.bar').count(), 5);
  assert.match(await page.locator('.card').first().textContent(), /inference \d+\.\d ms/);
  await page.screenshot({ path: `${artifacts}/demo.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${artifacts}/demo-phone.png`, fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, 'no horizontal scrolling at phone width');
  await page.close();
});

test('reload: no model request, the model shows as cached; clearing makes the next use download with progress', async () => {
  const page = await openDemo(isolated);
  const before = modelRequests();
  await page.reload();
  await page.waitForFunction(() => /cached/.test(document.querySelector('#model-info').textContent), null, { timeout: 60_000 });
  assert.equal(modelRequests(), before, 'no model request after reload');
  assert.match(await page.textContent('#model-info'), /✓ cached/);

  await page.click('#cache h2, #cache summary');
  await page.click('#cache-clear');
  await page.waitForFunction(() => /not downloaded yet/.test(document.querySelector('#model-info').textContent));
  await page.evaluate(() => {
    window.progressSeen = [];
    new MutationObserver(() => window.progressSeen.push(document.querySelector('#progress-text').textContent)).observe(
      document.querySelector('#progress-text'),
      { childList: true, characterData: true, subtree: true },
    );
  });
  await upload(page, ['coffee.png']);
  assert.equal(await firstLabel(page, 'coffee.png'), 'espresso');
  assert.equal(modelRequests(), before + 1, 'downloaded again');
  const seen = await page.evaluate(() => window.progressSeen);
  assert.ok(seen.some((t) => /^Downloading .* MB of 18\.5 MB \(\d+%\)$/.test(t)), seen.join(' | '));
  assert.match(await page.textContent('#model-info'), /✓ cached/);
  await page.close();
});

test('a non-image file shows a readable error and the next image still classifies', async () => {
  const page = await openDemo(isolated);
  await upload(page, ['odd/not-an-image.jpg']);
  assert.equal(await page.isVisible('#error'), true);
  assert.match(await page.textContent('#error'), /not-an-image\.jpg.*not an image/);
  assert.match(await page.locator('.card.failed').first().textContent(), /Could not classify/);
  await upload(page, ['chelsea.png']);
  assert.equal(await firstLabel(page, 'chelsea.png'), reference['chelsea.png'].top5[0][1]);
  await page.close();
});

test('webcam mode classifies frames continuously, shows frames per second and releases the camera', async () => {
  const page = await openDemo(isolated);
  await page.click('#webcam');
  await page.waitForFunction(() => /frames per second/.test(document.querySelector('#fps').textContent), null, { timeout: 30_000 });
  const webcam = page.locator('.card', { has: page.locator('h3', { hasText: 'Webcam' }) });
  assert.equal(await webcam.locator('.bar').count(), 5);
  console.log(`webcam: ${await page.textContent('#fps')}`);
  assert.equal(await page.getAttribute('#webcam', 'aria-pressed'), 'true');
  await page.click('#webcam');
  const stopped = await page.evaluate(() => document.querySelector('#video').srcObject === null && document.querySelector('#fps').textContent === '');
  assert.equal(stopped, true);
  await page.close();
});

test('a failed model download is shown in the page, naming the URL', async () => {
  const empty = await mkdtemp(join(tmpdir(), 'effnet-empty-'));
  const broken = await serve({ port: 0, mounts: { ...mounts, '/models/': empty } });
  origins.push(broken.url);
  try {
    const page = await openDemo(broken);
    await page.selectOption('#model', 'efficientnet-lite1');
    await page.waitForFunction(() => !document.querySelector('#error').hidden, null, { timeout: 30_000 });
    const text = await page.textContent('#error');
    console.log(text);
    assert.match(text, /could not be loaded: cannot fetch .*\/models\/efficientnet-lite1\.onnx: HTTP 404/);
    await page.close();
  } finally {
    broken.close();
    await rm(empty, { recursive: true, force: true });
  }
});

test('served without COOP/COEP it says 1 thread and still classifies', async () => {
  const page = await openDemo(plain);
  assert.match(await page.textContent('#backend'), /1 thread, not cross-origin isolated/);
  await upload(page, ['coffee.png']);
  assert.equal(await firstLabel(page, 'coffee.png'), 'espresso');
  await page.close();
});

test('privacy: the whole session stayed on the page origin, and no request carried a body', () => {
  assert.ok(requests.length > 10);
  const foreign = requests.filter((r) => !origins.some((o) => r.url.startsWith(o + '/')) && !r.url.startsWith('blob:'));
  assert.deepEqual(foreign.map((r) => r.url), []);
  const withBody = requests.filter((r) => r.method !== 'GET' || (r.body && r.body.length));
  assert.deepEqual(withBody.map((r) => `${r.method} ${r.url}`), []);
});
