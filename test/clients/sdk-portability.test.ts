/**
 * The SDK must run in browsers, Deno and Workers: it bundles on its own for the browser platform (no
 * runtime dependency, no Node built-in), its sources use no Node globals, and it imports nothing but its
 * own files (not even types from the service: it is packed and installed on its own).
 */
import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from '@hono/zod-openapi';
import type { ColormapName } from '../../src/image/index.js';
import type { ExplanationJsonSchema } from '../../src/routes/schemas.js';
import type { ExplainJsonOptions, ExplainOptions, ExplainParams, ExplanationJson, GradcamEdgeErrorCode } from '../../sdk/src/index.js';

const SDK = join(import.meta.dirname, '../../sdk/src');
const sources = readdirSync(SDK)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, text: readFileSync(join(SDK, f), 'utf8') }));

describe('SDK portability', () => {
  it('imports only its own files, types included', () => {
    for (const { file, text } of sources) {
      for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^'"]*from\s+'([^']+)'/gm)) {
        expect(m[3], `${file}: ${m[0]}`).toMatch(/^\.\/[\w-]+\.js$/);
      }
    }
  });

  it('uses no Node globals', () => {
    for (const { file, text } of sources) expect(text, file).not.toMatch(/\b(process|Buffer|require|__dirname)\b[.(]/);
  });

  it('bundles for the browser with nothing external; reports the minified size', async () => {
    const out = await build({
      entryPoints: [join(SDK, 'index.ts')],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const js = out.outputFiles[0].text;
    expect(js).not.toMatch(/\bfrom\s*["']|\bimport\s*\(/);
    expect(js).toContain('x-explanation-id');
    console.log(`sdk bundle: ${js.length} bytes minified`);
    expect(js.length).toBeLessThan(16 * 1024);
  });

  it("has option and result types equal to the service's (checked by tsc)", () => {
    expectTypeOf<NonNullable<ExplainParams['colormap']>>().toEqualTypeOf<ColormapName>();
    expectTypeOf<ExplainParams['class']>().toEqualTypeOf<string | number | undefined>();
    expectTypeOf<ExplainParams['alpha']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<NonNullable<ExplainOptions['output']>>().toEqualTypeOf<'overlay' | 'heatmap'>();
    expectTypeOf<ExplainJsonOptions>().not.toHaveProperty('colormap');
    expectTypeOf<ExplanationJson>().toEqualTypeOf<z.infer<typeof ExplanationJsonSchema>>();
    expectTypeOf<'corrupt_image'>().toExtend<GradcamEdgeErrorCode>();
  });
});
