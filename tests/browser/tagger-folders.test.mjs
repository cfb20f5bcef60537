// Folders the tagger gets other than through the folder input: from showDirectoryPicker (tag
// files written next to the photos only when asked; a file that cannot be read; write
// permission refused) and dropped (an unreadable file; a folder that cannot be listed).
// The picker's folders are real handles from the origin-private file system.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { opfsFolder, opfsListing, repo, search, taggerSession, testPrivacy } from './tagger-fixture.mjs';

const t = taggerSession();

test('a folder from showDirectoryPicker: XMP sidecars are written next to the photos only when asked, exiftool reads them; another app\'s is left alone', async () => {
  const page = await t.openTagger();
  await opfsFolder(page, 'holiday', ['chelsea.png', 'coffee.png', 'astronaut.png']);
  // a real directory handle stands in for the picker; astronaut.png has another application's sidecar
  await page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('holiday');
    const w = await (await dir.getFileHandle('astronaut.png.xmp', { create: true })).createWritable();
    await w.write('<x:xmpmeta xmlns:x="adobe:ns:meta/"><!-- darktable\'s --></x:xmpmeta>');
    await w.close();
    window.showDirectoryPicker = async () => dir;
  });
  await page.click('#pick-folder');
  await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
  assert.deepEqual(await opfsListing(page, 'holiday'), ['astronaut.png', 'astronaut.png.xmp', 'chelsea.png', 'coffee.png'], 'nothing written before the user asks');
  await page.click('#write-sidecars');
  await page.waitForFunction(() => /^Wrote/.test(document.querySelector('#export-status').textContent));
  assert.equal(await page.textContent('#export-status'), "Wrote 2 XMP tag files next to the photos; 1 left alone: another application's XMP file is there (holiday/astronaut.png)");
  assert.deepEqual(await opfsListing(page, 'holiday'), ['astronaut.png', 'astronaut.png.xmp', 'chelsea.png', 'chelsea.png.xmp', 'coffee.png', 'coffee.png.xmp']);
  const read = (name) =>
    page.evaluate(async (name) => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('holiday');
      return (await (await dir.getFileHandle(name)).getFile()).text();
    }, name);
  assert.match(await read('astronaut.png.xmp'), /darktable's/, 'the other application\'s sidecar is untouched');
  // writing again replaces the tagger's own sidecars; the first write's "Wrote 2" cleared
  // first, or the wait would end at once and the read race the write (NotReadableError, CI)
  await page.evaluate(() => (document.querySelector('#export-status').textContent = ''));
  await page.click('#write-sidecars');
  await page.waitForFunction(() => /^Wrote 2/.test(document.querySelector('#export-status').textContent));
  const file = join(t.work, 'chelsea.png.xmp');
  await writeFile(file, await read('chelsea.png.xmp'));
  const out = spawnSync('exiftool', ['-j', '-XMP:all', file], { encoding: 'utf8' });
  assert.equal(out.status, 0, `exiftool: ${out.error ?? out.stderr}`);
  const [x] = JSON.parse(out.stdout);
  const subjects = [x.Subject].flat();
  const hier = [x.HierarchicalSubject].flat();
  console.log(`exiftool: Subject ${subjects.join(', ')}; HierarchicalSubject ${hier.join(', ')}`);
  for (const k of ['tiger cat', 'cat', 'mammal', 'animal']) assert.ok(subjects.includes(k), `dc:subject has ${k}`);
  assert.ok(hier.includes('effnet-wasm|machine|animal|mammal|cat'), 'the WordNet path, as a machine tag');
  assert.ok(hier.includes('effnet-wasm|machine|animal|mammal|cat|tiger cat'), 'a fine label below its coarse tag');
  assert.match(x.CreatorTool, /^effnet-wasm [\d.]+ tagger$/);
  await page.close();
});

test('a folder from the picker with a file that cannot be read: the file is listed, the rest is tagged', async () => {
  const page = await t.openTagger();
  await opfsFolder(page, 'locked', ['chelsea.png', 'coffee.png']);
  await page.evaluate(async () => {
    const real = await (await navigator.storage.getDirectory()).getDirectoryHandle('locked');
    // coffee.png's handle refuses to give its file, as a file locked or moved meanwhile does
    const stub = Object.create(real, {
      values: {
        value: async function* () {
          for await (const h of real.values()) {
            yield h.name !== 'coffee.png' ? h : { kind: 'file', name: h.name, getFile: async () => Promise.reject(new DOMException('The file is locked.', 'NotReadableError')) };
          }
        },
      },
    });
    window.showDirectoryPicker = async () => ({ kind: 'directory', name: real.name, values: stub.values });
  });
  await page.click('#pick-folder');
  await page.waitForFunction(() => ['done', 'failed'].includes(document.body.dataset.state), null, { timeout: 60_000 });
  assert.match(await page.textContent('#summary'), /^Done: 1 new photo tagged in .*; 0 photos already tagged; 1 could not be read\.$/);
  assert.equal(await page.isVisible('#error'), false);
  const failures = await page.$$eval('#failures li', (lis) => lis.map((l) => l.textContent));
  assert.ok(failures.includes('locked/coffee.png: could not be read (NotReadableError: The file is locked.)'), failures.join(' | '));
  assert.ok((await search(page, 'cat')).some((c) => c.path === 'locked/chelsea.png'));
  await page.close();
});

test('dropped folders: an unreadable file is listed, the rest tagged; a folder that cannot be listed is reported', async () => {
  const page = await t.openTagger();
  const bytes = [...(await readFile(`${repo}/tests/fixtures/chelsea.png`))];
  // a stand-in for the DataTransfer of a drop (the entries API as chromium gives it)
  const drop = (fail) =>
    page.evaluate(
      ({ bytes, fail }) => {
        const file = new File([new Uint8Array(bytes)], 'chelsea.png', { type: 'image/png', lastModified: 1 });
        const fileEntry = (name, f) => ({ isFile: true, isDirectory: false, name, fullPath: `/dropped/${name}`, file: (ok, no) => (f ? ok(f) : no(new DOMException('A requested file could not be found.', 'NotFoundError'))) });
        const children = [fileEntry('chelsea.png', file), fileEntry('lost.jpg', null)];
        const folder = {
          isFile: false,
          isDirectory: true,
          name: 'dropped',
          fullPath: '/dropped',
          createReader: () => {
            let given = false;
            return { readEntries: (ok, no) => (fail ? no(new DOMException('The folder was moved.', 'NotFoundError')) : ok(given ? [] : ((given = true), children))) };
          },
        };
        const e = new Event('drop', { cancelable: true });
        Object.defineProperty(e, 'dataTransfer', { value: { items: [{ kind: 'file', webkitGetAsEntry: () => folder }], files: [] } });
        document.body.dataset.state = '';
        document.querySelector('#drop').dispatchEvent(e);
      },
      { bytes, fail },
    );
  await drop(false);
  await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
  assert.match(await page.textContent('#summary'), /^Done: 1 new photo tagged in .*; 0 photos already tagged; 1 could not be read\.$/);
  const failures = await page.$$eval('#failures li', (lis) => lis.map((l) => l.textContent));
  assert.ok(failures.includes('dropped/lost.jpg: could not be read (NotFoundError: A requested file could not be found.)'), failures.join(' | '));
  await drop(true);
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.textContent('#error'), 'The dropped items could not be read: The folder was moved.');
  assert.deepEqual(page.errors, [], 'no unhandled rejection');
  await page.close();
});

test('write permission refused: the page says so and writes nothing', async () => {
  const page = await t.openTagger();
  await opfsFolder(page, 'refused', ['chelsea.png']);
  await page.evaluate(async () => {
    const real = await (await navigator.storage.getDirectory()).getDirectoryHandle('refused');
    window.asked = [];
    // the picker's handle as a browser gives it for a read-only pick: the user says no when asked
    window.showDirectoryPicker = async () => ({
      kind: 'directory',
      name: real.name,
      values: () => real.values(),
      queryPermission: async () => 'prompt',
      requestPermission: async (o) => (window.asked.push(o.mode), 'denied'),
      getFileHandle: (...a) => (window.asked.push(`getFileHandle ${a[0]}`), real.getFileHandle(...a)),
    });
  });
  await page.click('#pick-folder');
  await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
  await page.click('#write-sidecars');
  await page.waitForFunction(() => /^Wrote/.test(document.querySelector('#export-status').textContent));
  assert.equal(await page.textContent('#export-status'), 'Wrote 0 XMP tag files next to the photos; 1 failed (refused/chelsea.png: write permission was not given)');
  assert.deepEqual(await page.evaluate(() => window.asked), ['readwrite'], 'asked once, then nothing was opened for writing');
  assert.deepEqual(await opfsListing(page, 'refused'), ['chelsea.png']);
  await page.close();
});

testPrivacy(t);
