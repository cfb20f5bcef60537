// npm test's summary (tests/run.mjs): the counts read back from each tool's own output, and a
// step name that matches nothing failing the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cargoTestCounts, countsParser, nodeTestCounts, pytestCounts } from '../run/counts.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));

test("node --test's own summary, run here: a skipped, a todo and a failed test each counted apart from the passed one", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'effnet-counts-'));
  try {
    await writeFile(
      join(dir, 'a.test.mjs'),
      `import { test } from 'node:test';
test('passes', () => {});
test('skipped', { skip: 'not here' }, () => {});
test('todo', { todo: true }, () => {});
test('fails', () => { throw new Error('on purpose'); });
test('passes too', () => {});
`,
    );
    // a node --test of its own, not a subtest of this run
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const r = spawnSync('node', ['--test', '--test-reporter=spec', dir], { encoding: 'utf8', env });
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(nodeTestCounts(r.stdout), { passed: 2, failed: 1, skipped: 1, todo: 1 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('cargo test: every binary\'s result line added up, ignored tests as skipped', () => {
  const out = `running 3 tests
test a ... ok
test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s

test result: FAILED. 4 passed; 1 failed; 2 ignored; 0 measured; 0 filtered out; finished in 1.20s
   Doc-tests effnet
test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
`;
  assert.deepEqual(cargoTestCounts(out), { passed: 7, failed: 1, skipped: 2, todo: 0 });
  assert.equal(cargoTestCounts('error: could not compile `effnet`'), null);
});

test("pytest -q: its last line, in any order, errors as failures", () => {
  assert.deepEqual(pytestCounts('....s.\n5 passed, 1 skipped in 3.21s\n'), { passed: 5, failed: 0, skipped: 1, todo: 0 });
  assert.deepEqual(pytestCounts('F..\n==== 1 failed, 2 passed, 1 error, 3 warnings in 10.50s ====\n'), { passed: 2, failed: 2, skipped: 0, todo: 0 });
  assert.equal(pytestCounts('ImportError: no module named pytest'), null);
});

test('which steps count tests: the test runners, not the builds', () => {
  assert.equal(countsParser('node', ['--test', '--test-reporter=spec', 'tests/js/']), nodeTestCounts);
  assert.equal(countsParser('cargo', ['test', '--release']), cargoTestCounts);
  assert.equal(countsParser('taskset', ['-c', '0', 'node', '--test', 'tests/engines/chromium.test.mjs']), nodeTestCounts);
  assert.equal(countsParser('taskset', ['-c', '0', 'npx', 'webpack']), null);
  assert.equal(countsParser('/venv/bin/python', ['-m', 'pytest', '-q', 'tests/models']), pytestCounts);
  assert.equal(countsParser('cargo', ['clippy', '--all-targets']), null);
  assert.equal(countsParser('npx', ['webpack', '--env', 'out=dist-test']), null);
});

test('npm test -- "no such step" fails, naming the steps, and runs nothing', () => {
  const r = spawnSync('node', ['tests/run.mjs', 'docs links', 'no such step'], { cwd: repo, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no step named "no such step"; the steps are: models, rustfmt, .*, package tests$/m);
  assert.doesNotMatch(r.stdout, /=== docs links/);
});
