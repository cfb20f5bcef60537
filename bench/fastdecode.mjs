// `npm run bench:fastdecode`: how `decode: 'fast'` (JPEGs at 1/2, 1/4 or 1/8 in the DCT domain)
// agrees with `decode: 'exact'` on real camera photos at their shipped resolution: the
// photographs among Debian's desktop-wallpaper packages (fetched with `apt-get download`,
// unpacked with `dpkg -x` into the cache; nothing is committed). Per photo and in sum: top-1
// agreement, top-1 of one within the other's top 5, the tagger's coarse tags (www/tagger/tags.js,
// threshold 0.2) identical or not, max |p_fast - p_exact|, and Node's decode times. Asserts
// nothing.   node bench/fastdecode.mjs [model]   (default efficientnet-lite0)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ImageClassifier } from 'effnet-wasm';
import { categoriesNeeded, deriveTags, DEFAULT_THRESHOLD } from '../www/tagger/tags.js';

const model = process.argv[2] || 'efficientnet-lite0';
const cache = join(process.env.EFFNET_CACHE || join(homedir(), '.cache', 'effnet-wasm'), 'wallpapers');

// package -> its photographs (camera photos; the renders, paintings and screenshots beside
// them are left out), as Debian 12 ships them
const PHOTOS = {
  'lomiri-wallpapers-16.04': [
    'Bridge_by_Sander_Klootwijk', 'Dragonfly_by_Bolly', 'Picture_0B_by_freespace', 'Picture_1A_by_freespace',
    'Wine_by_Jakkub_Mede', 'aitzgorri_by_Aitzol_Berasategi', 'free_by_Peter_Nerlich', 'friends_by_Aitzol_Berasategi',
    'greentock_by_Peter_Nerlich', 'life_by_Aitzol_Berasategi', 'picosdeeuropa_by_Aitzol_Berasategi',
    'seeding_by_Clements_Engelhardt', 'sunset_by_Aitzol_Berasategi',
  ].map((n) => `usr/share/backgrounds/${n}.jpg`),
  'lomiri-wallpapers-20.04': ['usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg'],
  'mate-backgrounds': [
    'Aqua', 'Blinds', 'Dune', 'FreshFlower', 'Garden', 'GreenMeadow', 'LadyBird', 'RainDrops', 'Storm', 'TwoWings', 'Wood', 'YellowFlower',
  ].map((n) => `usr/share/backgrounds/mate/nature/${n}.jpg`),
  'plasma-workspace-wallpapers': [
    'BytheWater', 'ColdRipple', 'ColorfulCups', 'DarkestHour', 'EveningGlow', 'FallenLeaf', 'Grey', 'Kite', 'OneStandsOut', 'Path',
    'summer_1am',
  ].map((n) => `usr/share/wallpapers/${n}/contents/images/2560x1600.jpg`),
};

function unpacked(pkg) {
  const dir = join(cache, 'x', pkg);
  if (existsSync(dir)) return dir;
  const debs = join(cache, 'debs');
  mkdirSync(debs, { recursive: true });
  if (!readdirSync(debs).some((f) => f.startsWith(`${pkg}_`))) execFileSync('apt-get', ['download', pkg], { cwd: debs, stdio: 'inherit' });
  const deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`));
  execFileSync('dpkg', ['-x', join(debs, deb), dir]);
  return dir;
}

/** width x height, and whether it is progressive, from the frame header */
function jpegFrame(b) {
  for (let i = 2; i + 9 < b.length; i += 2 + ((b[i + 2] << 8) | b[i + 3])) {
    const m = b[i + 1];
    if (m >= 0xc0 && m <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(m)) {
      return { size: `${(b[i + 7] << 8) | b[i + 8]}x${(b[i + 5] << 8) | b[i + 6]}`, progressive: m === 0xc2 };
    }
  }
  return { size: null, progressive: false };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const coarse = (r) =>
  deriveTags(r.categories, r.probabilities)
    .filter((t) => t.kind === 'coarse')
    .map((t) => t.tag)
    .sort();

const clf = await ImageClassifier.create({ model });
const options = { maxResults: categoriesNeeded(DEFAULT_THRESHOLD, 5), withProbabilities: true };
const rows = [];
for (const [pkg, files] of Object.entries(PHOTOS)) {
  const root = unpacked(pkg);
  for (const f of files) {
    const bytes = new Uint8Array(await readFile(join(root, f)));
    const exact = await clf.classify(bytes, { ...options, decode: 'exact' });
    const fast = await clf.classify(bytes, { ...options, decode: 'fast' });
    const [e, q] = [exact.categories, fast.categories];
    let diff = 0;
    for (let i = 0; i < exact.probabilities.length; i++) diff = Math.max(diff, Math.abs(exact.probabilities[i] - fast.probabilities[i]));
    const [te, tq] = [coarse(exact), coarse(fast)];
    rows.push({
      name: f.split('/').at(-1) === '2560x1600.jpg' ? f.split('/').at(-4) : f.split('/').at(-1).replace('.jpg', ''),
      bytes: bytes.length,
      ...jpegFrame(bytes),
      top1: e[0].index === q[0].index,
      inTop5: e.slice(0, 5).some((c) => c.index === q[0].index) && q.slice(0, 5).some((c) => c.index === e[0].index),
      tags: te.join() === tq.join(),
      exactLabel: `${e[0].label.split(', ')[0]} ${e[0].score.toFixed(2)}`,
      fastLabel: `${q[0].label.split(', ')[0]} ${q[0].score.toFixed(2)}`,
      exactTags: te,
      fastTags: tq,
      diff,
      exactMs: exact.timing.decodeMs,
      fastMs: fast.timing.decodeMs,
    });
  }
}
clf.dispose();

console.log(`# decode: 'fast' vs 'exact', ${model}, ${rows.length} photographs from ${Object.keys(PHOTOS).join(', ')}`);
console.log(`\n| photo | size | MB | top-1 exact (p) | top-1 fast (p) | coarse tags exact | fast (if different) | max abs dp |`);
console.log(`|---|---|---|---|---|---|---|---|`);
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.size}${r.progressive ? ' progressive' : ''} | ${(r.bytes / 1e6).toFixed(1)} | ${r.exactLabel} | ${r.top1 ? '=' : r.fastLabel} | ${r.exactTags.join(', ') || '-'} | ${r.tags ? '=' : r.fastTags.join(', ') || '-'} | ${r.diff.toFixed(3)} |`,
  );
}
const mp = rows.map((r) => r.size.split('x').reduce((a, b) => a * b) / 1e6);
const count = (k) => rows.filter((r) => r[k]).length;
console.log(`\n${rows.length} photos (${count('progressive')} progressive), ${Math.min(...mp).toFixed(1)} to ${Math.max(...mp).toFixed(1)} MP (median ${median(mp).toFixed(1)})`);
console.log(`top-1 agreement: ${count('top1')} of ${rows.length}; each top-1 in the other's top 5: ${count('inTop5')} of ${rows.length}`);
console.log(`coarse tags (threshold ${DEFAULT_THRESHOLD}) identical: ${count('tags')} of ${rows.length}`);
console.log(`max |p_fast - p_exact| over 1000 classes: median ${median(rows.map((r) => r.diff)).toFixed(3)}, max ${Math.max(...rows.map((r) => r.diff)).toFixed(3)}`);
console.log(`Node decode ms (median): exact ${median(rows.map((r) => r.exactMs)).toFixed(0)}, fast ${median(rows.map((r) => r.fastMs)).toFixed(0)}`);
