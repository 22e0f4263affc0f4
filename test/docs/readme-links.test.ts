/**
 * The README is also the package's page on npm, where only the README ships: a relative link to
 * docs/ or examples/ is dead there. Every link to a repository file must be absolute, point at
 * the repository package.json names, and name a file (blob) or folder (tree) that exists.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  repository: { type: string; url: string };
  homepage: string;
  bugs: { url: string };
};
/** https://github.com/owner/name, from `git+https://github.com/owner/name.git`. */
const repository = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

/** Every link target of the README: Markdown links and images, and HTML href / src attributes. */
function linkTargets(markdown: string): string[] {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  const markdownLinks = [...withoutCode.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
  const htmlLinks = [...withoutCode.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
  return [...markdownLinks, ...htmlLinks];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading.toLowerCase().replace(/`/g, '').replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
}

describe('package.json', () => {
  it('names the repository, its home page and where to report bugs, all on the same repository', () => {
    expect(pkg.repository.type).toBe('git');
    expect(repository).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
    expect(pkg.homepage).toBe(`${repository}#readme`);
    expect(pkg.bugs.url).toBe(`${repository}/issues`);
  });
});

describe('README.md links (they must work on the npm page)', () => {
  const targets = linkTargets(readme);

  it('finds the links (the extraction works)', () => {
    expect(targets.filter((target) => target.startsWith(repository)).length).toBeGreaterThan(10);
  });

  it('has no relative link to a repository file', () => {
    const relative = targets.filter((target) => !/^(https?:|mailto:|#)/.test(target));
    expect(relative, `write them as ${repository}/blob/main/<path>`).toEqual([]);
  });

  it('points every link to this repository at main, and at a file or folder that exists', () => {
    const broken = targets.filter((target) => target.startsWith(`${repository}/`)).flatMap((target) => {
      const match = /^\/(blob|tree)\/main\/([^#?]+)/.exec(target.slice(repository.length));
      if (match === null) return [`${target}: expected ${repository}/blob/main/<file> or /tree/main/<folder>`];
      const [, kind, path] = match;
      const file = join(root, decodeURIComponent(path!));
      if (!existsSync(file)) return [`${target}: ${path} does not exist`];
      if (kind === 'blob' && !statSync(file).isFile()) return [`${target}: ${path} is a folder (use /tree/)`];
      if (kind === 'tree' && !statSync(file).isDirectory()) return [`${target}: ${path} is a file (use /blob/)`];
      return [];
    });
    expect(broken).toEqual([]);
  });

  it('links only to headings that exist (in-page anchors)', () => {
    const anchors = new Set([...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
    const missing = targets.filter((target) => target.startsWith('#') && !anchors.has(target.slice(1)));
    expect(missing).toEqual([]);
  });
});
