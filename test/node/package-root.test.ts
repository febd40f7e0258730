/**
 * `packageRoot()` finds the gradcam-edge package folder from a module's path, so `gradcam-edge serve` finds the
 * shipped models both from the TypeScript sources and from the bundle in an installed package's dist/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../cli/package-root.js';

describe('packageRoot', () => {
  it('is the repository root from the CLI sources', () => {
    expect(packageRoot()).toBe(resolve(import.meta.dirname, '../..'));
  });

  it('skips package.json files of other packages and fails clearly when there is none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradcam-edge-root-'));
    try {
      const installed = join(dir, 'node_modules', 'gradcam-edge');
      mkdirSync(join(installed, 'dist', 'nested'), { recursive: true });
      writeFileSync(join(dir, 'package.json'), '{ "name": "someone-elses-app" }');
      writeFileSync(join(installed, 'package.json'), '{ "name": "gradcam-edge" }');
      writeFileSync(join(installed, 'dist', 'nested', 'package.json'), '{ "name": "not-this-one" }');
      expect(packageRoot(join(installed, 'dist', 'nested', 'chunk.js'))).toBe(installed);
      expect(() => packageRoot(join(dir, 'elsewhere', 'main.js'))).toThrow(/package\.json not found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
