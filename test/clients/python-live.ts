/**
 * The Python client (clients/python/gradcam_edge.py) against the real service: runs its unittest file
 * with /usr/bin/python3 (standard library only, no PyTorch), then checks that Python received the very
 * bytes the SDK gets for the same request.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { GradcamEdge } from '../../sdk/src/index.js';
import type { LiveContext } from './live-context.js';
import { TASK_MODELS } from './task-models.js';

const run = promisify(execFile);
const PYTHON_DIR = join(import.meta.dirname, '../../clients/python');

/** The Python suite. */
export function describePython(ctx: LiveContext): void {
  describe('Python client', () => {
    it('passes its unittest suite against the service, with no test skipped', async () => {
      const out = mkdtempSync(join(tmpdir(), 'gradcam-edge-py-'));
      const env = {
        ...process.env,
        PYTHONDONTWRITEBYTECODE: '1',
        GRADCAM_EDGE_URL: ctx.url(),
        GRADCAM_EDGE_API_KEY: ctx.apiKey,
        GRADCAM_EDGE_FIXTURES: ctx.fixtures().dir,
        GRADCAM_EDGE_OUT: out,
        GRADCAM_EDGE_DETECTOR: TASK_MODELS.detector.id,
        GRADCAM_EDGE_SEGMENTER: TASK_MODELS.segmenter.id,
      };
      const result = await run('python3', ['-m', 'unittest', '-v', 'test_gradcam_edge'], { cwd: PYTHON_DIR, env }).catch((e) => e);
      const report = `${result.stdout}\n${result.stderr}`;
      expect(result.code ?? 0, report).toBe(0);
      expect(report).toMatch(/Ran \d+ tests/);
      expect(report).not.toMatch(/skipped/);
      const sdk = await new GradcamEdge({ url: ctx.url(), apiKey: ctx.apiKey }).explain(readFileSync(ctx.fixtures().png), {
        colormap: 'turbo',
      });
      expect(readFileSync(join(out, 'python-gradient-turbo.png'))).toEqual(Buffer.from(await sdk.bytes()));
    });
  });
}
