/**
 * @module
 * A small glob matcher for the CLI (Node 20 has no fs.glob): `*` and `?` within a path segment, `**` across
 * segments, `{a,b}` alternatives. Hidden folders and node_modules are skipped unless named.
 */
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** Whether a path contains glob syntax. */
export function isGlob(pattern: string): boolean {
  return /[*?{]/.test(pattern);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+^$()|[\]\\]/g, '\\$&');
}

/**
 * The regular expression of a glob over `/`-separated paths.
 *
 * @example
 * globToRegExp('photos/**\/*.{jpg,png}').test('photos/2024/a.jpg') // true
 */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      re += slash ? '(?:[^/]*/)*' : '.*';
      i += slash ? 2 : 1;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${pattern
          .slice(i + 1, end)
          .split(',')
          .map((alt) => globToRegExp(alt).source.slice(1, -1))
          .join('|')})`;
        i = end;
      }
    } else re += escapeRegExp(ch);
  }
  return new RegExp(`^${re}$`);
}

/** The folder a glob starts from: its segments before the first one with glob syntax. */
export function globBase(pattern: string): string {
  const segments = pattern.split('/');
  const first = segments.findIndex(isGlob);
  const base = segments.slice(0, first).join('/');
  return base === '' ? (pattern.startsWith('/') ? '/' : '.') : base;
}

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) if (e.isFile()) yield join(dir, e.name);
  for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') yield* walk(join(dir, e.name));
}

/** The files under `dir`, recursively: each folder's files by name, then its sub-folders. */
export async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const f of walk(dir)) files.push(f);
  return files;
}

/** The files matching a glob (paths as the pattern spells them, e.g. relative to the working folder). */
export async function expandGlob(pattern: string): Promise<string[]> {
  const normalized = pattern.split(sep).join('/').replace(/^\.\//, '');
  const re = globToRegExp(normalized);
  const base = globBase(normalized);
  const files = await listFiles(base).catch(() => []);
  return files.filter((f) => re.test(f.split(sep).join('/').replace(/^\.\//, '')));
}
