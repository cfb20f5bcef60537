// `npm test`: every check, in order, with one summary line at the end.
// Steps run even after a failure so one run shows everything that is wrong; a step whose
// prerequisite failed (models, wasm, bundle) is counted as failed, never skipped silently.
//   npm test                 all steps
//   npm test -- NAME ...     only the named steps (and nothing they depend on)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const venv = process.env.EFFNET_VENV || join(repo, '.venv');
const only = process.argv.slice(2);

// the wasm builds all have SIMD128 (crate/build-wasm.sh), and the wasm kernels exist only with it
const simd = { CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS: '-C target-feature=+simd128' };

// [name, command, args, needs, env, { optIn }]: an opt-in step runs only when named
const steps = [
  ['models', 'bash', ['models/build.sh'], []],
  ['rustfmt', 'cargo', ['fmt', '--all', '--check'], []],
  ['clippy', 'cargo', ['clippy', '--all-targets', '--', '-D', 'warnings'], []],
  ['clippy wasm', 'cargo', ['clippy', '--lib', '--target', 'wasm32-unknown-unknown', '--no-default-features', '--features', 'wasm', '--', '-D', 'warnings'], [], simd],
  ['rust tests', 'cargo', ['test', '--release'], ['models']],
  ['model tool tests', join(venv, 'bin/python'), ['-m', 'pytest', '-q', 'tests/models'], ['models']],
  ['wasm', 'bash', ['crate/build-wasm.sh'], []],
  ['typecheck', 'npx', ['tsc', '-p', 'tsconfig.json'], []],
  ['docs links', 'node', ['--test', '--test-reporter=spec', 'tests/docs/'], []],
  ['bundle', 'npx', ['webpack', '--env', 'out=dist-test'], ['wasm']],
  // after the bundle: tests/js/offline.test.mjs checks the service worker it emitted
  ['node tests', 'node', ['--test', '--test-reporter=spec', 'tests/js/'], ['models', 'wasm', 'bundle']],
  ['browser tests', 'node', ['--test', '--test-reporter=spec', '--test-concurrency=1', 'tests/browser/'], ['models', 'bundle']],
  // the same suite in each engine (tests/engines/suite.mjs); a missing browser fails its step
  ['chromium engine', 'node', ['--test', '--test-reporter=spec', 'tests/engines/chromium.test.mjs'], ['models', 'bundle']],
  // Firefox ESR 153's hang in spawning the pool's workers now costs a replaced worker, not a
  // stuck test (client/classifier.js, docs/performance.md)
  ['firefox engine', 'node', ['--test', '--test-reporter=spec', 'tests/engines/firefox.test.mjs'], ['models', 'bundle']],
  // WebKitGTK's rare trap in a fresh instance (cause unknown, docs/performance.md) costs a
  // restarted worker, not a result (client/worker-queue.js); the suite counts it
  ['webkit engine', 'node', ['--test', '--test-reporter=spec', 'tests/engines/webkit.test.mjs'], ['models', 'bundle']],
  ['package tests', 'node', ['--test', '--test-reporter=spec', 'tests/pack/'], ['models', 'wasm']],
];

const STEP_MINUTES = 40;
const results = new Map();
const optedOut = [];
for (const [name, cmd, args, needs, env, { optIn = false } = {}] of steps) {
  if (only.length && !only.includes(name)) continue;
  if (optIn && !only.includes(name)) {
    optedOut.push(name);
    continue;
  }
  const missing = needs.filter((n) => results.has(n) && !results.get(n).ok);
  if (missing.length) {
    console.log(`\n=== ${name}: not run, ${missing.join(', ')} failed`);
    results.set(name, { ok: false, s: '0.0', note: `needs ${missing.join(', ')}` });
    continue;
  }
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const t0 = Date.now();
  // a step that hangs fails after STEP_MINUTES instead of holding up the rest
  const r = spawnSync(cmd, args, { cwd: repo, stdio: 'inherit', env: { ...process.env, ...env }, timeout: STEP_MINUTES * 60_000, killSignal: 'SIGKILL' });
  if (r.signal) console.error(`${name}: stopped after ${STEP_MINUTES} min (${r.signal})`);
  if (r.error) console.error(`${name}: ${r.error.message}`);
  results.set(name, { ok: r.status === 0, s: ((Date.now() - t0) / 1000).toFixed(1) });
}

console.log('\n=== summary');
for (const [name, r] of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${name} (${r.s} s)${r.note ? ` ${r.note}` : ''}`);
const failed = [...results.values()].filter((r) => !r.ok).length;
for (const name of optedOut) console.log(`not run (opt-in): ${name}; run it with npm test -- "${name}"`);
console.log(`npm test: ${results.size - failed} passed, ${failed} failed${optedOut.length ? `, ${optedOut.length} opt-in not run` : ''}`);
process.exit(failed ? 1 : 0);
