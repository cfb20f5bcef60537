// The tagger by keyboard alone: what Tab reaches is visible and shows its focus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taggerSession, testPrivacy } from './tagger-fixture.mjs';

const t = taggerSession();

test('keyboard: every control Tab reaches is visible and shows its focus; "Choose photos" opens the file chooser', async () => {
  const choosers = [];
  const page = await t.openTagger(undefined, { choosers });
  const reached = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    reached.push(
      await page.evaluate(() => {
        const el = document.activeElement;
        const r = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return { id: el.id || el.textContent.trim(), visible: style.opacity !== '0' && r.width > 4 && r.height > 4, outline: el.matches(':focus-visible') && style.outlineStyle !== 'none' };
      }),
    );
  }
  console.log(`Tab: ${reached.map((r) => r.id).join(' → ')}`);
  assert.deepEqual(reached.filter((r) => !r.visible || !r.outline), [], 'focus on something not seen, or without an outline');
  assert.ok(reached.some((r) => r.id === 'pick-files'), 'the "Choose photos" control is reached');
  await page.focus('#pick-files');
  assert.equal(choosers.length, 0);
  await page.keyboard.press('Enter');
  for (let tries = 0; choosers.length === 0 && tries < 100; tries++) await page.waitForTimeout(100);
  assert.equal(choosers.length, 1, 'Enter on "Choose photos" opened one file chooser');
  assert.equal(choosers[0].isMultiple(), true);
  await page.close();
});

testPrivacy(t);
