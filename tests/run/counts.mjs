// The test counts a step's tool prints at its end, read back from its output: node --test's
// spec reporter, cargo test, pytest. { passed, failed, skipped, todo }, or null when the output
// has none (a step that is no test run, or a run that never got to its summary).

/** The counts parser for a step's command, or null for a step that runs no tests. */
export function countsParser(cmd, args) {
  // `taskset -c <cpus> cmd ...`: the pinned command's own counts
  if (cmd === 'taskset') return countsParser(args[2], args.slice(3));
  if (cmd === 'node' && args.includes('--test')) return nodeTestCounts;
  if (cmd === 'cargo' && args[0] === 'test') return cargoTestCounts;
  if (args[0] === '-m' && args[1] === 'pytest') return pytestCounts;
  return null;
}

const plain = (text) => text.replace(/\x1b\[[0-9;]*m/g, '');

/** node --test --test-reporter=spec: `ℹ tests 12`, `ℹ pass 11`, `ℹ fail 1`, ... at the end. */
export function nodeTestCounts(text) {
  const field = (name) => {
    const all = [...plain(text).matchAll(new RegExp(`^ℹ ${name} (\\d+)$`, 'gm'))];
    return all.length ? Number(all.at(-1)[1]) : null;
  };
  const tests = field('tests');
  if (tests === null) return null;
  // a test cancelled (its file's hook failed, or it outlived the run) did not pass
  return { passed: field('pass') ?? 0, failed: (field('fail') ?? 0) + (field('cancelled') ?? 0), skipped: field('skipped') ?? 0, todo: field('todo') ?? 0 };
}

/** cargo test: one `test result: ok. 5 passed; 0 failed; 1 ignored; ...` per test binary, added up. */
export function cargoTestCounts(text) {
  let counts = null;
  for (const m of plain(text).matchAll(/^test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored;/gm)) {
    counts = addCounts(counts, { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3]), todo: 0 });
  }
  return counts;
}

/** pytest: its last line, `3 failed, 40 passed, 2 skipped, 1 warning in 12.3s`. */
export function pytestCounts(text) {
  const last = plain(text).match(/^[= ]*((?:\d+ \w+(?:, )?)+) in [\d.]+s\b.*$/gm)?.at(-1);
  if (!last) return null;
  const n = (...words) => words.reduce((sum, w) => sum + Number(last.match(new RegExp(`(\\d+) ${w}\\b`))?.[1] ?? 0), 0);
  return { passed: n('passed', 'xpassed'), failed: n('failed', 'errors?'), skipped: n('skipped', 'xfailed', 'deselected'), todo: 0 };
}

export function addCounts(a, b) {
  if (!a) return { ...b };
  return { passed: a.passed + b.passed, failed: a.failed + b.failed, skipped: a.skipped + b.skipped, todo: a.todo + b.todo };
}

export const formatCounts = (c) => `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${c.todo ? `, ${c.todo} todo` : ''}`;
