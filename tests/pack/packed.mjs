// The project as a user gets it: `npm pack`, then installed into a new temporary project.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A temporary project (`prefix` names it) with the packed tarball installed.
 * @returns {Promise<{dir: string, tarball: {filename: string, size: number, unpackedSize: number, files: {path: string}[], path: string},
 *   run: (cmd: string, args: string[], cwd?: string) => string, remove: () => Promise<void>}>}
 */
export async function installPacked(prefix) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const run = (cmd, args, cwd = dir) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], repo));
  const tarball = { ...info, path: join(dir, info.filename) };
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball.path]);
  return { dir, tarball, run, remove: () => rm(dir, { recursive: true, force: true }) };
}
