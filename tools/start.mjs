// `npm start`: the demo up as early as a fresh clone allows. The models, then one wasm build
// (`simd`, which every supported browser runs, on stable Rust), the bundle, the server; the
// other three builds then compile in the background and the bundle is redone with them
// (reload the page for threads). The builds use the `wasm-dev` profile, faster to build from
// scratch and never shipped (tools/check-pkg.mjs), unless the target dir already holds
// wasm-release builds and no wasm-dev ones (after `npm test`, say), which are then only
// brought up to date; EFFNET_WASM_PROFILE overrides both.
//   node tools/start.mjs [--port N]     (PORT=N works too)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../www/serve.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const FIRST = 'simd';
const REST = ['simd-threads-relaxed', 'simd-threads', 'simd-relaxed'];
const target = process.env.CARGO_TARGET_DIR || join(repo, 'target');

/** The profile to build `variants` in: the one whose builds exist (crate/build-wasm.sh's dirs). */
function profileFor(variants) {
  if (process.env.EFFNET_WASM_PROFILE) return process.env.EFFNET_WASM_PROFILE;
  const has = (v, profile) => existsSync(join(target, v.includes('threads') ? `threads/${v}` : v, 'wasm32-unknown-unknown', profile));
  const warmRelease = variants.every((v) => has(v, 'wasm-release') && !has(v, 'wasm-dev'));
  return warmRelease ? 'wasm-release' : 'wasm-dev';
}
const t0 = Date.now();
const since = () => `${((Date.now() - t0) / 60_000).toFixed(1)} min`;

class StepFailed extends Error {}

/** Runs a command from the repo; its output goes to ours, each line after `prefix`. */
function run(cmd, args, prefix = '', env = process.env) {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { cwd: repo, env, stdio: ['ignore', prefix ? 'pipe' : 'inherit', prefix ? 'pipe' : 'inherit'] });
    if (prefix) {
      for (const stream of [child.stdout, child.stderr]) {
        let rest = '';
        stream.on('data', (chunk) => {
          const lines = (rest + chunk).split('\n');
          rest = lines.pop();
          for (const line of lines) console.log(prefix + line);
        });
      }
    }
    child.on('error', fail);
    child.on('exit', (code, signal) => (code === 0 ? ok() : fail(new StepFailed(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`))));
  });
}

/** webpack --env production into dist/, swapped in whole so the server never sees half a site. */
async function bundle(only) {
  const next = join(repo, 'dist-next');
  await run('npx', ['webpack', '--stats', 'errors-warnings', '--env', 'production', '--env', `out=${next}`, ...(only ? ['--env', `only=${only.join(',')}`] : [])], only ? '' : '[bundle] ');
  await rm(join(repo, 'dist-old'), { recursive: true, force: true });
  await rename(join(repo, 'dist'), join(repo, 'dist-old')).catch((e) => {
    if (e.code !== 'ENOENT') throw e;
  });
  await rename(next, join(repo, 'dist'));
  await rm(join(repo, 'dist-old'), { recursive: true, force: true });
  console.log(`effnet-wasm: bundled ${only ? `with the ${only.join(', ')} build only` : 'with all four builds'} at ${since()}`);
}

const portArg = process.argv.indexOf('--port');
const port = Number(portArg > 0 ? process.argv[portArg + 1] : process.env.PORT) || 8080;
try {
  await run('bash', ['models/build.sh']);
  console.log(`effnet-wasm: models ready at ${since()}`);
  await run('bash', ['crate/build-wasm.sh', FIRST], '', { ...process.env, EFFNET_WASM_PROFILE: profileFor([FIRST]) });
  console.log(`effnet-wasm: the ${FIRST} build is ready at ${since()}`);
  await bundle([FIRST]);
  const server = await serve({ port });
  console.log(`effnet-wasm: serving ${server.url}/ after ${since()} (cross-origin isolated: threads on once their build is done)`);
  console.log(`effnet-wasm: the page runs the ${FIRST} build (one thread) while ${REST.join(', ')} build in the background`);
  try {
    await run('bash', ['crate/build-wasm.sh', ...REST], '[background] ', { ...process.env, EFFNET_WASM_PROFILE: profileFor(REST) });
    await bundle();
    console.log(`effnet-wasm: all four wasm builds are in after ${since()}: reload the page for threads and relaxed SIMD`);
  } catch (e) {
    // the page still works on the first build: keep serving it
    if (!(e instanceof StepFailed)) throw e;
    console.error(`effnet-wasm: ${e.message}; still serving, on the ${FIRST} build only`);
  }
} catch (e) {
  if (!(e instanceof StepFailed)) throw e;
  console.error(`effnet-wasm: ${e.message}`);
  process.exit(1);
}
