/**
 * The TypeScript SDK in headless Chromium against the real service, from a page on another origin: the
 * SDK bundled for the browser (esbuild), served by a local HTTP server on its own port, so the calls are
 * cross-origin (CORS preflight for the Authorization header, exposed X-Explanation-* headers).
 */
import { build } from 'esbuild';
import { decode } from 'fast-png';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, type Browser } from '../browser/chromium.js';
import type { LiveContext } from './live-context.js';

const PAGE =
  '<!doctype html><meta charset="utf-8"><script type="module">import * as sdk from "/sdk.js"; window.sdk = sdk; window.ready = true;</script>';

async function servePage(): Promise<{ server: Server; origin: string }> {
  const out = await build({
    entryPoints: [join(import.meta.dirname, '../../sdk/src/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const js = out.outputFiles[0].text;
  const server = createServer((req, res) => {
    const isJs = req.url === '/sdk.js';
    res.writeHead(200, { 'content-type': isJs ? 'text/javascript' : 'text/html' }).end(isJs ? js : PAGE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface PageResult {
  meta: {
    id: string;
    classIndex: number;
    label: string | null;
    score: number;
    cache: string;
    method: string;
    timings: Record<string, number>;
  };
  png: number[];
  models: string[];
  error: { name: string; status: number; code: string; option?: string };
}

/** The browser suite (skipped where Chromium is not installed; CI installs it). */
export function describeBrowser(ctx: LiveContext): void {
  describe.skipIf(!hasChromium())('TypeScript SDK in headless Chromium (cross-origin)', () => {
    let browser: Browser;
    let page: { server: Server; origin: string };
    beforeAll(async () => {
      page = await servePage();
      browser = await launchChromium();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await new Promise((r) => page?.server.close(r));
    });

    it('explains a Blob, reads the metadata headers, lists models and gets typed errors', async () => {
      const tab = await browser.context.newPage();
      await tab.goto(`${page.origin}/`);
      await tab.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true);
      const png = [...readFileSync(ctx.fixtures().png)];
      const result = (await tab.evaluate(
        async ({ url, apiKey, png }) => {
          const { GradcamEdge } = (globalThis as unknown as { sdk: typeof import('../../sdk/src/index.js') }).sdk;
          const client = new GradcamEdge({ url, apiKey });
          const cam = await client.explain(new Blob([new Uint8Array(png)], { type: 'image/png' }), { colormap: 'gray' });
          const { id, classIndex, label, score, cache, method, timings } = cam;
          const bytes = [...(await cam.bytes())];
          const models = (await client.models()).map((m) => m.id);
          const error = await client
            .explain(new Uint8Array(png), { alpha: 7 })
            .catch((e) => ({ name: e.name, status: e.status, code: e.code, option: e.option }));
          return { meta: { id, classIndex, label, score, cache, method, timings }, png: bytes, models, error };
        },
        { url: ctx.url(), apiKey: ctx.apiKey, png },
      )) as PageResult;
      expect(result.meta.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(result.meta.method).toBe('gradcam');
      expect(result.meta.score).toBeGreaterThan(0);
      expect(Object.keys(result.meta.timings)).toContain('model');
      const image = decode(new Uint8Array(result.png));
      expect([image.width, image.height]).toEqual([96, 64]);
      expect(result.models).toContain('default');
      expect(result.error).toEqual({ name: 'GradcamEdgeError', status: 400, code: 'bad_option', option: 'alpha' });
      await tab.close();
    });
  });
}
