// Real camera-size photographs for the benches, from Debian's wallpaper packages (fetched with
// `apt-get download` and unpacked with `dpkg-deb -x`: nothing is installed, nothing committed).
// The same seven photos issue 27 measured: four typical baseline JPEGs of 1.4-3.1 MB (8-9 MP)
// and three large ones of 8.5-16.4 MB (two of them progressive 4:2:0, one progressive 4:4:4).
// Provenance, as each package's debian/copyright states it:
//   ukui-wallpapers 20.04.3-1.1: /usr/share/backgrounds/*.jpg, CC-BY-SA-3.0, Ubuntu Kylin
//     community contributors
//   mate-backgrounds 1.26.0-1: /usr/share/backgrounds/mate/abstract/Elephants_*.jpg, GPL-2+,
//     Wyng Stancikaite (2020)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const REAL_PHOTOS = [
  { pkg: 'ukui-wallpapers', path: 'usr/share/backgrounds/the-mouse.jpg', kind: 'typical' },
  { pkg: 'ukui-wallpapers', path: 'usr/share/backgrounds/firstgeneration.jpg', kind: 'typical' },
  { pkg: 'ukui-wallpapers', path: 'usr/share/backgrounds/2004default.jpg', kind: 'typical' },
  { pkg: 'ukui-wallpapers', path: 'usr/share/backgrounds/string.jpg', kind: 'typical' },
  { pkg: 'ukui-wallpapers', path: 'usr/share/backgrounds/rhythm.jpg', kind: 'large' },
  { pkg: 'mate-backgrounds', path: 'usr/share/backgrounds/mate/abstract/Elephants_3840x2160.jpg', kind: 'large' },
  { pkg: 'mate-backgrounds', path: 'usr/share/backgrounds/mate/abstract/Elephants_5640x3172.jpg', kind: 'large' },
];

const run = (cmd, args, cwd) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`);
};

/**
 * The photos under `cache` (fetched once): each with its file, size and kind.
 * @returns {Promise<Array<{file: string, name: string, bytes: number, kind: string, pkg: string}>>}
 */
export async function realPhotos(cache) {
  const root = join(cache, 'root');
  await mkdir(root, { recursive: true });
  for (const pkg of new Set(REAL_PHOTOS.map((p) => p.pkg))) {
    if (REAL_PHOTOS.filter((p) => p.pkg === pkg).every((p) => existsSync(join(root, p.path)))) continue;
    run('apt-get', ['download', pkg], cache);
    const deb = (await readdir(cache)).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
    run('dpkg-deb', ['-x', deb, root], cache);
  }
  return Promise.all(
    REAL_PHOTOS.map(async (p) => {
      const file = join(root, p.path);
      return { ...p, file, name: p.path.split('/').pop(), bytes: (await stat(file)).size };
    }),
  );
}
