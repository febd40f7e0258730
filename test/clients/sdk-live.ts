/**
 * The TypeScript SDK against the real service.
 */
import { decode } from 'fast-png';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GradcamEdge, GradcamEdgeError, type ExplainOptions } from '../../sdk/src/index.js';
import type { LiveContext } from './live-context.js';

const argmax = (xs: number[]) => xs.reduce((best, x, i) => (x > xs[best] ? i : best), 0);

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) out.set(c, (offset += c.length) - c.length);
  return out;
}

/** The SDK suite. */
export function describeSdk(ctx: LiveContext): void {
  describe('TypeScript SDK', () => {
    const client = () => new GradcamEdge({ url: ctx.url(), apiKey: ctx.apiKey });

    it('lists the models as the service describes them, and reports an unknown one', async () => {
      const models = await client().models();
      const def = models.find((m) => m.default)!;
      expect(def.id).toBe('default');
      expect(def.methods).toContain('gradcam');
      expect(await client().model('default')).toEqual(def);
      const err = await client()
        .model('nope')
        .catch((e) => e);
      expect(err).toBeInstanceOf(GradcamEdgeError);
      expect([err.status, err.code]).toEqual([404, 'model_not_found']);
    });

    it('explains a PNG: metadata from the headers, the PNG as bytes, the top-1 class of explainJson', async () => {
      const png = readFileSync(ctx.fixtures().png);
      const json = await client().explainJson(png);
      const cam = await client().explain(png);
      expect(cam.id, ctx.log()).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(cam.classIndex).toBe(argmax(json.logits));
      expect(cam.classIndex).toBe(json.class.index);
      expect(cam.score).toBeCloseTo(json.class.score, 5);
      expect(cam.label).toBe(json.class.label);
      expect([cam.method, cam.model, cam.layer]).toEqual([json.method, json.model, json.layer]);
      expect(cam.url).toBe(client().explanationUrl(cam.id));
      expect(cam.timings.model).toBeGreaterThanOrEqual(0);
      const bytes = await cam.bytes();
      const image = decode(bytes);
      expect([image.width, image.height]).toEqual([96, 64]);
      const [h, w] = json.map.shape;
      expect(json.map.data).toHaveLength(h * w);
      const stored = await fetch(client().explanationUrl(cam.id));
      expect(new Uint8Array(await stored.arrayBuffer())).toEqual(bytes);
      const metadata = (await (await fetch(client().explanationUrl(cam.id, 'json'))).json()) as { embed: unknown };
      expect(cam.snippets).toEqual(metadata.embed);
      const badge = await fetch(cam.badgeUrl);
      expect([badge.status, badge.headers.get('content-type')?.split(';')[0]]).toEqual([200, 'image/svg+xml']);
      expect(await badge.text()).toContain('<svg');
    });

    it('streams a JPEG Blob explanation with options, and serves the same bytes from the cache', async () => {
      const blob = new Blob([readFileSync(ctx.fixtures().jpg)]);
      const options: ExplainOptions = { output: 'heatmap', colormap: 'turbo', width: 40, class: 2 };
      const first = await client().explain(blob, options);
      const bytes = await readAll(first.body);
      expect([decode(bytes).width, decode(bytes).height, first.classIndex]).toEqual([40, 27, 2]);
      let again = await client().explain(blob, options);
      for (let i = 0; i < 40 && again.cache !== 'hit'; i++) {
        await again.bytes();
        await new Promise((r) => setTimeout(r, 100));
        again = await client().explain(blob, options);
      }
      expect([again.cache, again.id]).toEqual(['hit', first.id]);
      expect(await again.bytes()).toEqual(bytes);
    });

    it('names a class by label and classifies consistently', async () => {
      const png = readFileSync(ctx.fixtures().png);
      const labels = (await client().model('default')).labels!;
      const json = await client().explainJson(png, { class: labels[1].toUpperCase() });
      expect(json.class.index).toBe(1);
      const top = await client().classify(png, { top: 3 });
      expect(top.top).toHaveLength(3);
      expect(top.top[0].index).toBe(argmax(top.logits));
      expect(top.logits).toEqual(json.logits.map((x) => expect.closeTo(x, 4)));
    });

    it('raises typed errors carrying the problem code', async () => {
      const png = readFileSync(ctx.fixtures().png);
      const cases: [() => Promise<unknown>, number, string, string?][] = [
        [() => client().explain(png, { colormap: 'rainbow' as never }), 400, 'bad_option', 'colormap'],
        [() => client().explain(png, { bogus: 1 } as never), 400, 'bad_option', 'bogus'],
        [() => client().explain(png, { class: 10_000 }), 400, 'class_out_of_range', 'class'],
        [() => client().explain(new TextEncoder().encode('GIF89a not really')), 415, 'unsupported_media_type'],
        [() => client().explain(png.subarray(0, 30)), 422, 'corrupt_image'],
        [() => new GradcamEdge({ url: ctx.url() }).explain(png), 401, 'unauthorized'],
        [() => new GradcamEdge({ url: ctx.url(), apiKey: 'wrong' }).explain(png), 403, 'forbidden'],
      ];
      for (const [call, status, code, option] of cases) {
        const err = (await call().catch((e: unknown) => e)) as GradcamEdgeError;
        expect(err, code).toBeInstanceOf(GradcamEdgeError);
        expect([err.status, err.code, err.option], code).toEqual([status, code, option]);
      }
    });

    it('times out a call that cannot finish in time', async () => {
      const err = await client()
        .explain(readFileSync(ctx.fixtures().png), { timeoutMs: 1, width: 4000 })
        .catch((e) => e);
      expect([err.code, err.status]).toEqual(['timeout', 0]);
    });
  });
}
