/**
 * @module
 * Where the gradcam-edge package lives on disk: the folder of its package.json, found from this module's
 * location. The same answer from the TypeScript sources in a checkout and from the bundle in dist/ of an
 * installed package, so shipped files (the default models) are found in both.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's root folder.
 *
 * @example
 * join(packageRoot(), 'models') // the shipped models
 */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'gradcam-edge') return dir;
    if (dirname(dir) === dir) throw new Error(`gradcam-edge's package.json not found above ${from}`);
  }
}
