// Every relative link in the README and the docs leads somewhere: the file is in the checkout,
// and a #fragment names a heading of that file (GitHub's anchors: lower case, punctuation
// dropped, spaces as hyphens).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const pages = ['README.md', 'models/README.md', 'tests/fixtures/README.md', ...readdirSync(join(repo, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

const withoutCode = (md) => md.replace(/```[\s\S]*?```/g, '');
const anchor = (heading) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}_\- ]/gu, '').replaceAll(' ', '-');
const anchors = (file) => new Set([...withoutCode(readFileSync(file, 'utf8')).matchAll(/^#+ (.*)$/gm)].map((m) => anchor(m[1])));

for (const page of pages) {
  test(`${page}: every relative link resolves`, () => {
    const links = [...withoutCode(readFileSync(join(repo, page), 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((u) => !/^[a-z]+:/.test(u));
    const broken = [];
    for (const link of links) {
      const [path, fragment] = link.split('#');
      const target = path ? join(repo, dirname(page), path) : join(repo, page);
      if (!existsSync(target)) broken.push(`${link}: no ${relative(repo, target)}`);
      else if (fragment && target.endsWith('.md') && !anchors(target).has(fragment)) broken.push(`${link}: no heading #${fragment}`);
    }
    assert.deepEqual(broken, []);
  });
}
