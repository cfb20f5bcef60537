// `npm test`: every check, in order, with one summary line at the end.
// Steps run even after a failure so one run shows everything that is wrong.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const venv = process.env.EFFNET_VENV || join(repo, '.venv');
const only = process.argv.slice(2);

const steps = [
  ['models', 'bash', ['models/build.sh']],
  ['rustfmt', 'cargo', ['fmt', '--all', '--check']],
  ['clippy', 'cargo', ['clippy', '--all-targets', '--', '-D', 'warnings']],
  ['rust tests', 'cargo', ['test', '--release']],
  ['model tool tests', join(venv, 'bin/python'), ['-m', 'pytest', '-q', 'tests/models']],
];

const results = [];
for (const [name, cmd, args] of steps) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: repo, stdio: 'inherit' });
  const ok = r.status === 0;
  if (r.error) console.error(`${name}: ${r.error.message}`);
  results.push({ name, ok, s: ((Date.now() - t0) / 1000).toFixed(1) });
  // without models nothing else can pass meaningfully
  if (name === 'models' && !ok) break;
}

console.log('\n=== summary');
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.s} s)`);
const failed = results.filter((r) => !r.ok).length;
console.log(`npm test: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
