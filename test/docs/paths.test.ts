// Every repository path a document names must exist, so the docs cannot drift from the tree
// unnoticed. Scans README.md, docs/**/*.md and packages/*/README.md for backticked paths and link
// targets that look like this repository's files or folders; globs (`test/e2e/*.test.ts`) and
// brace lists (`{a,b}.ts`) are matched against the files git knows.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const PREFIXES = ['utils/', 'entrypoints/', 'components/', 'test/', 'scripts/', 'packages/', 'docs/', 'public/', 'cli/', '.ci/'];
const TOP_LEVEL = new Set(['README.md', 'package.json', 'package-lock.json', 'tsconfig.json', 'wxt.config.ts', 'vitest.config.ts', 'biome.json']);

export interface DocPath {
  path: string;
  line: number;
}

/** Tracked files plus new ones not ignored: what a fresh clone of this branch would hold. */
function repoFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

function looksLikeRepoPath(p: string): boolean {
  if (!p || /[<>…$]|:\/\//.test(p)) return false; // placeholders and URLs
  return PREFIXES.some((prefix) => p.startsWith(prefix)) || TOP_LEVEL.has(p);
}

/** Trims what surrounds a path in prose or a command: punctuation, `:line`, `#anchor`, a leading `./`. */
function clean(token: string): string {
  return token
    .replace(/^['"(]+|['"),.;]+$/g, '')
    .replace(/#.*$/, '')
    .replace(/:\d+(-\d+)?$/, '')
    .replace(/^\.\//, '');
}

/** The repository paths one markdown document names, as repo-relative paths. */
export function findDocPaths(markdown: string, docFile: string): DocPath[] {
  const found: DocPath[] = [];
  const docDir = path.posix.dirname(docFile);
  markdown.split('\n').forEach((text, i) => {
    const line = i + 1;
    // Link targets: relative to the document (as GitHub renders them), unless a URL or an anchor.
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
      const p = clean(path.posix.normalize(path.posix.join(docDir, target.replace(/#.*$/, ''))));
      if (p && p !== '.') found.push({ path: p, line });
    }
    // Backticked spans: repo-relative; a command's arguments are checked one by one.
    for (const m of text.matchAll(/`([^`]+)`/g)) {
      for (const token of m[1].split(/\s+/)) {
        const p = clean(token);
        if (looksLikeRepoPath(p)) found.push({ path: p, line });
      }
    }
  });
  return found;
}

function expandBraces(p: string): string[] {
  const m = p.match(/\{([^{}]*)\}/);
  if (!m) return [p];
  return m[1].split(',').flatMap((alt) => expandBraces(p.slice(0, m.index) + alt + p.slice(m.index! + m[0].length)));
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split(/(\*\*\/?|\*|\?)/)
    .map((part) => (part.startsWith('**') ? '(?:.*/)?' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}(?:/.*)?$`);
}

/** True when the path (file, folder with or without a trailing slash, glob) names something in `files`. */
export function pathExists(p: string, files: readonly string[]): boolean {
  return expandBraces(p).every((one) => {
    const trimmed = one.replace(/\/+$/, '');
    if (/[*?]/.test(trimmed)) {
      const re = globToRegExp(trimmed);
      return files.some((f) => re.test(f));
    }
    return files.some((f) => f === trimmed || f.startsWith(`${trimmed}/`));
  });
}

/**
 * The paths a document names that do not exist, as `doc:line: path`. A package's README may name
 * its own files relative to the package (`test/relay.test.ts`) or the repository's from the root.
 */
export function missingPaths(markdown: string, docFile: string, files: readonly string[]): string[] {
  const pkg = docFile.match(/^(packages\/[^/]+)\/README\.md$/)?.[1];
  const exists = (p: string) => pathExists(p, files) || (pkg !== undefined && pathExists(`${pkg}/${p}`, files));
  return findDocPaths(markdown, docFile)
    .filter((ref) => ref.path.startsWith('..') || !exists(ref.path))
    .map((ref) => `${docFile}:${ref.line}: ${ref.path}`);
}

function documents(files: readonly string[]): string[] {
  return files.filter((f) => f === 'README.md' || (f.startsWith('docs/') && f.endsWith('.md')) || /^packages\/[^/]+\/README\.md$/.test(f));
}

describe('paths named in the documentation', () => {
  it('every repository path in README.md, docs/ and the packages READMEs exists', () => {
    const files = repoFiles();
    const docs = documents(files);
    expect(docs).toContain('README.md');
    expect(docs.some((d) => d.startsWith('docs/'))).toBe(true);
    const missing = docs.flatMap((doc) => missingPaths(readFileSync(path.join(ROOT, doc), 'utf8'), doc, files));
    expect(missing).toEqual([]);
  });

  it('reports a path that does not exist and ignores URLs, placeholders and existing globs', () => {
    const files = ['utils/referral/submit.ts', 'test/e2e/referral.test.ts', 'docs/glossary.md', 'docs/decisions/token-relay.md', 'README.md'];
    const fixture = [
      'The state machine is `utils/referral/submit.ts:132`; end-to-end tests are `test/e2e/*.test.ts`.',
      'Run `npx vitest run test/e2e/referral.test.ts`. See [the glossary](glossary.md) and [relay](decisions/token-relay.md#why).',
      'Not ours: `https://example.nhs.uk/utils/x.ts`, [site](https://digital.nhs.uk/docs/x.md), `utils/<feature>/messages.ts`.',
      'Broken: `utils/referral/submitter.ts`, [gone](decisions/nope.md), `test/unit/*.test.ts`, `{README,CHANGELOG}.md` is not a path.',
      'Outside: [up](../../outside.md).',
    ].join('\n');
    expect(missingPaths(fixture, 'docs/architecture.md', files).sort()).toEqual([
      'docs/architecture.md:4: docs/decisions/nope.md',
      'docs/architecture.md:4: test/unit/*.test.ts',
      'docs/architecture.md:4: utils/referral/submitter.ts',
      'docs/architecture.md:5: ../outside.md',
    ]);
  });
});
