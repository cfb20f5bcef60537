// The tagger's count of what a folder holds that is not a photo (www/tagger/skipped.js), and
// the folder input's split of a real file list into photos and skipped kinds (folder.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Skipped, describeSkipped, kindOf } from '../../www/tagger/skipped.js';
import { fromFileList } from '../../www/tagger/folder.js';

test('kinds by extension or MIME type; the summary names them, the largest first', () => {
  assert.equal(kindOf('IMG_0001.MOV'), 'video');
  assert.equal(kindOf('clip', 'video/mp4'), 'video');
  assert.equal(kindOf('IMG_0001.CR2.xmp'), 'sidecar');
  assert.equal(kindOf('notes.txt'), 'text file');
  assert.equal(kindOf('scan.pdf'), 'document');
  assert.equal(kindOf('.DS_Store'), 'other file');
  const s = new Skipped();
  for (const n of ['a.mp4', 'b.mov', 'c.MTS', 'd.txt', 'e.txt', 'f.xmp', 'Thumbs.db']) s.add(n);
  assert.equal(s.count, 7);
  assert.equal(describeSkipped(s.kinds), '7 files skipped: 3 videos, 2 text files, 1 other file, 1 sidecar');
  assert.equal(describeSkipped({}), '');
  assert.equal(describeSkipped({ video: 1 }), '1 file skipped: 1 video');
});

test('a picked file list: photos (RAW and HEIC by name) tagged, the rest counted by kind', () => {
  const file = (name, type = '') => new File([new Uint8Array(4)], name, { type });
  const picked = fromFileList([file('a.jpg', 'image/jpeg'), file('b.HEIC'), file('c.nef'), file('clip.mp4', 'video/mp4'), file('readme.txt', 'text/plain'), file('c.nef.xmp')]);
  assert.deepEqual(picked.entries.map((e) => e.path), ['a.jpg', 'b.HEIC', 'c.nef']);
  assert.equal(picked.skipped, 3);
  assert.deepEqual(picked.skippedKinds, { video: 1, 'text file': 1, sidecar: 1 });
});
