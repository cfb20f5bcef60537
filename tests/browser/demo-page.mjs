// What the demo's browser tests (demo.test.mjs, offline.test.mjs) do on the page.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { autoThreads, measuredIn, pageCores, threadWords } from './auto-threads.mjs';

const fixtures = fileURLToPath(new URL('../fixtures', import.meta.url));

/** Drops fixture photos on the demo and waits until each has its card. */
export async function upload(page, files) {
  const done = await page.locator('.card:not([aria-busy])').count();
  await page.setInputFiles('#files', files.map((f) => `${fixtures}/${f}`));
  await page.waitForFunction((n) => document.querySelectorAll('.card:not([aria-busy])').length === n, done + files.length, { timeout: 60_000 });
}

/** The top label on the (first) card of photo `name`. */
export const firstLabel = (page, name) =>
  page.locator('.card', { has: page.locator('h3', { hasText: name }) }).first().locator('.bar .label').first().textContent();

/**
 * In the page (`page.evaluate(webcamFrames)`): the webcam frames the demo shows in 5 s (each puts
 * a new list of bars into its card), and the camera's tracks, kept as window.cameraTracks to see
 * them stopped later. Self-contained: drivers send its source to the page.
 */
export const webcamFrames = () =>
  new Promise((resolve) => {
    const card = [...document.querySelectorAll('.card')].find((c) => c.querySelector('h3').textContent === 'Webcam');
    window.cameraTracks = document.querySelector('#video').srcObject.getTracks();
    let frames = 0;
    const observer = new MutationObserver((records) => {
      for (const r of records) frames += [...r.addedNodes].filter((n) => n.classList?.contains('bars')).length;
    });
    observer.observe(card, { childList: true, subtree: true });
    const start = performance.now();
    setTimeout(() => {
      observer.disconnect();
      resolve({ frames, ms: performance.now() - start, tracks: window.cameraTracks.map((t) => `${t.kind} ${t.label} ${t.readyState}`) });
    }, 5000);
  });

/**
 * Checks that the demo's backend line names the threads the library picks on this machine's
 * cores (auto-threads.mjs), and why, when isolated; returns that count.
 */
export async function checkDemoThreads(page) {
  const text = await page.textContent('#backend');
  const seen = await pageCores(page);
  const n = autoThreads({ ...seen, cores: measuredIn(text) });
  console.log(`demo: ${text} (hardwareConcurrency ${seen.claimed}, expected ${threadWords(n)})`);
  assert.ok(text.includes(`, ${threadWords(n)}, `), `${threadWords(n)} for ${JSON.stringify(seen)}: ${text}`);
  // fewer than claimed says which cores were measured; otherwise the line names the isolation
  if (seen.isolated) assert.match(text, n < Math.min(seen.claimed, 8) ? /, \d+ cores? measured \(navigator\.hardwareConcurrency says \d+\)/ : /, cross-origin isolated\./);
  return n;
}
