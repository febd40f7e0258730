/**
 * @module
 * Writes a document a benchmark generates (docs/*.md tables) and formats it with the project's Biome, so that
 * `npm run lint` (which checks Markdown tables' alignment) passes on what a benchmark wrote.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

/**
 * @example
 * writeDoc('docs/performance.md', text);
 */
export function writeDoc(path: string, text: string): void {
  writeFileSync(path, text);
  try {
    execFileSync('npx', ['biome', 'format', '--write', path], { stdio: 'ignore' });
  } catch {
    // Outside the repository (e.g. --out /tmp/x.md) Biome formats nothing: the file stays as written.
    console.warn(`${path}: written, not formatted (Biome formats files inside the repository only)`);
  }
}
