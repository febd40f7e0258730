/**
 * `gradcam-edge explain` (bin/gradcam-edge.mjs, as users run it) against the real service: a folder, a
 * glob, and a batch-wide error.
 */
import { decode } from 'fast-png';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { GradcamEdge } from '../../sdk/src/index.js';
import type { LiveContext } from './live-context.js';

const BIN = join(import.meta.dirname, '../../bin/gradcam-edge.mjs');

interface Line {
  source: string;
  output?: string;
  classIndex?: number;
  label?: string;
  score?: number;
  error?: { code: string };
}

async function cli(ctx: LiveContext, args: string[]) {
  const env = { ...process.env, GRADCAM_EDGE_URL: ctx.url(), GRADCAM_EDGE_API_KEY: ctx.apiKey };
  const r = await promisify(execFile)('node', [BIN, 'explain', ...args], { env }).catch((e) => e);
  return { code: (r.code ?? 0) as number, stdout: r.stdout as string, stderr: r.stderr as string };
}

/** The CLI suite. */
export function describeCli(ctx: LiveContext): void {
  describe('CLI: gradcam-edge explain', () => {
    it('explains a folder: a PNG per image, the originals, an index.html, a failure reported and exit 1', async () => {
      const { scenes, sceneCount } = ctx.fixtures();
      const out = mkdtempSync(join(tmpdir(), 'gradcam-edge-cli-'));
      const r = await cli(ctx, [scenes, '-o', out, '--json', '-j', '2', '--colormap', 'viridis']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).not.toContain('\r'); // no progress bar without a terminal
      const lines = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line);
      expect(lines).toHaveLength(sceneCount + 1);
      const failed = lines.filter((l) => l.error);
      expect(failed.map((l) => [l.source.endsWith('broken.png'), l.error!.code])).toEqual([[true, 'corrupt_image']]);
      const client = new GradcamEdge({ url: ctx.url(), apiKey: ctx.apiKey });
      for (const line of lines.filter((l) => !l.error)) {
        const png = decode(readFileSync(line.output!));
        expect([png.width, png.height]).toEqual([128, 128]);
        const again = await client.explain(readFileSync(line.source), { colormap: 'viridis' });
        expect([again.cache, again.classIndex, again.label]).toEqual(['hit', line.classIndex, line.label]);
        expect(await again.bytes()).toEqual(new Uint8Array(readFileSync(line.output!)));
      }
      const html = readFileSync(join(out, 'index.html'), 'utf8');
      expect(html.match(/<figure>/g)).toHaveLength(sceneCount + 1);
      for (const src of html.matchAll(/<img src="([^"]+)"/g)) expect(existsSync(join(out, decodeURIComponent(src[1]))), src[1]).toBe(true);
      expect(html).toContain('error[corrupt_image]');
      expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/); // no third-party host
      expect(readdirSync(join(out, 'originals'))).toHaveLength(sceneCount + 1);
    });

    it('explains a glob with a named class (as a label) and exits 0', async () => {
      const { scenes, sceneCount } = ctx.fixtures();
      const out = mkdtempSync(join(tmpdir(), 'gradcam-edge-cli-'));
      const label = (await new GradcamEdge({ url: ctx.url() }).model('default')).labels![1];
      const r = await cli(ctx, [
        `${scenes}/**/scene-*.png`,
        '-o',
        out,
        '--class',
        label.toUpperCase(),
        '--output',
        'heatmap',
        '--width',
        '64',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(sceneCount);
      const name = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const expected = new RegExp(`-> .*scene-\\d\\.gradcam\\.png {2}${name} \\(class 1\\) \\d+\\.\\d% \\[miss\\]$`);
      for (const line of lines) expect(line).toMatch(expected);
      expect(decode(readFileSync(join(out, 'scene-0.gradcam.png'))).width).toBe(64);
      expect(r.stderr).toContain(`${sceneCount} explained; contact sheet: ${join(out, 'index.html')}`);
    });

    it('stops at an error that every image would repeat', async () => {
      const out = mkdtempSync(join(tmpdir(), 'gradcam-edge-cli-'));
      const r = await cli(ctx, [ctx.fixtures().scenes, '-o', out, '--model', 'nope', '-j', '1']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error\[model_not_found\]: /m);
      expect(r.stdout).not.toContain('->'); // at most the broken image's own error before the stop
      expect(existsSync(join(out, 'index.html'))).toBe(false);
    });
  });
}
