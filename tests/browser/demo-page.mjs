// What the demo's browser tests (demo.test.mjs, offline.test.mjs) do on the page.
import { fileURLToPath } from 'node:url';

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
