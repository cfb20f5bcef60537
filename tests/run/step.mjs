// One step of `npm test`: its command run with the output shown as it comes and kept, so the
// tests it counted can be read back (counts.mjs).
import { spawn } from 'node:child_process';
import { countsParser } from './counts.mjs';

// a step that hangs fails after STEP_MINUTES instead of holding up the rest
const STEP_MINUTES = 40;

/** @returns {Promise<{ok: boolean, s: string, counts: object|null, note?: string}>} */
export async function runStep(name, cmd, args, { cwd, env }) {
  const parse = countsParser(cmd, args);
  const t0 = Date.now();
  const { status, signal, error, output } = await run(cmd, args, { cwd, env: { ...process.env, ...env } });
  const s = ((Date.now() - t0) / 1000).toFixed(1);
  if (signal) console.error(`${name}: stopped after ${STEP_MINUTES} min (${signal})`);
  if (error) console.error(`${name}: ${error.message}`);
  const ok = status === 0;
  if (!parse) return { ok, s, counts: null };
  const counts = parse(output);
  // a test step passes only on its own word and its counts agreeing: tests ran, none failed
  if (!counts) return { ok: false, s, counts: null, note: 'printed no test counts' };
  if (ok && counts.failed) return { ok: false, s, counts, note: 'exited 0 with failed tests' };
  if (ok && counts.passed === 0) return { ok: false, s, counts, note: 'passed no test' };
  return { ok, s, counts };
}

/** The command's exit, its output shown as it comes (stdout to stdout, stderr to stderr) and kept. */
function run(cmd, args, { cwd, env }) {
  return new Promise((resolve) => {
    const chunks = [];
    const child = spawn(cmd, args, { cwd, env, stdio: ['inherit', 'pipe', 'pipe'] });
    const tee = (to) => (d) => {
      to.write(d);
      chunks.push(d);
    };
    child.stdout.on('data', tee(process.stdout));
    child.stderr.on('data', tee(process.stderr));
    let timedOut = null;
    const timer = setTimeout(() => {
      timedOut = 'SIGKILL';
      child.kill('SIGKILL');
    }, STEP_MINUTES * 60_000);
    let exited = null;
    const finish = (error = null) => {
      clearTimeout(timer);
      resolve({ ...exited, signal: timedOut ?? exited?.signal ?? null, error, output: Buffer.concat(chunks).toString('utf8') });
    };
    // a command that could not start emits 'error' and no 'exit'
    child.on('error', (e) => child.pid === undefined && finish(e));
    child.on('close', () => finish());
    // 'close' waits for the pipes, which a leftover grandchild could hold open: the exit is enough
    child.on('exit', (status, signal) => {
      exited = { status, signal };
      setTimeout(finish, 5_000);
    });
  });
}
