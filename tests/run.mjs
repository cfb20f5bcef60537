// `npm test`: every check, in order, with a summary at the end: each step's tests passed, failed
// and skipped, then the totals, then one line for the steps.
// Steps run even after a failure so one run shows everything that is wrong; a step whose
// prerequisite failed (models, wasm, bundle) is counted as failed, never skipped silently.
//   npm test                 all steps
//   npm test -- NAME ...     only the named steps (and nothing they depend on); a name that is
//                            not a step fails the run
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStep } from './run/step.mjs';
import { addCounts, formatCounts } from './run/counts.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const venv = process.env.EFFNET_VENV || join(repo, '.venv');
const only = process.argv.slice(2);

// the wasm builds all have SIMD128 (crate/build-wasm.sh), and the wasm kernels exist only with it
const simd = { CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS: '-C target-feature=+simd128' };
const nodeTest = (...paths) => ['--test', '--test-reporter=spec', ...paths];
// the first CPU this process may run on (a container's may not include CPU 0)
const firstCpu = () => readFileSync('/proc/self/status', 'utf8').match(/^Cpus_allowed_list:\s*(\d+)/m)?.[1] ?? '0';

// [name, command, args, needs, env]; which tool's test counts a step reports comes from its command
const steps = [
  ['models', 'bash', ['models/build.sh'], []],
  ['rustfmt', 'cargo', ['fmt', '--all', '--check'], []],
  ['clippy', 'cargo', ['clippy', '--all-targets', '--', '-D', 'warnings'], []],
  ['clippy wasm', 'cargo', ['clippy', '--lib', '--target', 'wasm32-unknown-unknown', '--no-default-features', '--features', 'wasm', '--', '-D', 'warnings'], [], simd],
  ['rust tests', 'cargo', ['test', '--release'], ['models']],
  ['model tool tests', join(venv, 'bin/python'), ['-m', 'pytest', '-q', 'tests/models'], ['models']],
  ['wasm', 'bash', ['crate/build-wasm.sh'], []],
  ['typecheck', 'npx', ['tsc', '-p', 'tsconfig.json'], []],
  ['docs links', 'node', nodeTest('tests/docs/'), []],
  ['bundle', 'npx', ['webpack', '--env', 'out=dist-test'], ['wasm']],
  // after the bundle: tests/js/offline.test.mjs checks the service worker it emitted
  ['node tests', 'node', nodeTest('tests/js/'), ['models', 'wasm', 'bundle']],
  // Chromium-only checks (its driver's request log, isolation on and off, the four builds) and
  // the pages; what every engine must do is the engine suite's
  ['browser tests', 'node', nodeTest('--test-concurrency=1', 'tests/browser/'), ['models', 'bundle']],
  // the one engine suite (tests/engines/suite.mjs) in each engine; a missing browser fails its step
  ['chromium engine', 'node', nodeTest('tests/engines/chromium.test.mjs'), ['models', 'bundle']],
  // the same suite with the browser on one core: what the library picks there (one thread, the
  // single-threaded build) and the timings of a machine with nothing to spare; a machine with
  // more cores gives the threaded runs above (tests/browser/auto-threads.mjs)
  ['chromium engine, 1 core', 'taskset', ['-c', firstCpu(), 'node', ...nodeTest('tests/engines/chromium.test.mjs')], ['models', 'bundle']],
  // Firefox ESR 153's hang in spawning the pool's workers costs a replaced worker, not a
  // stuck test (client/classifier.js, docs/browsers.md)
  ['firefox engine', 'node', nodeTest('tests/engines/firefox.test.mjs'), ['models', 'bundle']],
  // WebKitGTK's rare trap in a fresh instance (cause unknown, docs/browsers.md) costs a
  // restarted worker, not a result (client/worker-queue.js); the suite counts it
  ['webkit engine', 'node', nodeTest('tests/engines/webkit.test.mjs'), ['models', 'bundle']],
  ['package tests', 'node', nodeTest('tests/pack/'), ['models', 'wasm']],
];

const unknown = only.filter((name) => !steps.some(([step]) => step === name));
if (unknown.length) {
  console.error(`npm test: no step named ${unknown.map((n) => `"${n}"`).join(', ')}; the steps are: ${steps.map(([n]) => n).join(', ')}`);
  process.exit(2);
}

const results = new Map();
for (const [name, cmd, args, needs, env] of steps) {
  if (only.length && !only.includes(name)) continue;
  const missing = needs.filter((n) => results.has(n) && !results.get(n).ok);
  if (missing.length) {
    console.log(`\n=== ${name}: not run, ${missing.join(', ')} failed`);
    results.set(name, { ok: false, s: '0.0', counts: null, note: `needs ${missing.join(', ')}` });
    continue;
  }
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  results.set(name, await runStep(name, cmd, args, { cwd: repo, env }));
}

console.log('\n=== summary');
let total = null;
for (const [name, r] of results) {
  const counts = r.counts ? `: ${formatCounts(r.counts)}` : '';
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${name} (${r.s} s)${counts}${r.note ? ` ${r.note}` : ''}`);
  if (r.counts) total = addCounts(total, r.counts);
}
const failed = [...results.values()].filter((r) => !r.ok).length;
if (total) console.log(`tests: ${formatCounts(total)}`);
console.log(`npm test: ${results.size - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
