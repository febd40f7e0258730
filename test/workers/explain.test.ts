import { describe, expect, it } from 'vitest';
import { call, decodePng, testPng, waitForStored } from './helpers.js';

const png = (body: Uint8Array, query = '') =>
  call(`/v1/explain${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body });

describe('POST /v1/explain', () => {
  it('returns a PNG overlay of the image size with the explanation headers', async () => {
    const res = await png(testPng(96, 72, 1));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const id = res.headers.get('x-explanation-id')!;
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.headers.get('etag')).toBe(`"${id}"`);
    expect(res.headers.get('x-cache')).toBe('miss');
    expect(res.headers.get('x-explanation-method')).toBe('gradcam');
    expect(Number(res.headers.get('x-explanation-class'))).toBeGreaterThanOrEqual(0);
    expect(Number(res.headers.get('x-explanation-score'))).toBeGreaterThan(0);
    expect(res.headers.get('x-explanation-label')).toBeTruthy();
    expect(res.headers.get('x-explanation-url')).toBe(`http://local.test/v1/explanations/${id}.png`);
    expect(res.headers.get('link')).toContain('rel="canonical"');
    expect(res.headers.get('cache-control')).toContain('immutable');
    const image = await decodePng(res);
    expect([image.width, image.height, image.channels]).toEqual([96, 72, 3]);
  });

  it('serves a cache hit with identical bytes without running the model, and by id', async () => {
    const body = testPng(64, 64, 2);
    const first = await png(body, '?output=heatmap&colormap=gray&width=32');
    const bytes = new Uint8Array(await first.arrayBuffer());
    const id = first.headers.get('x-explanation-id')!;
    const runs = Number(first.headers.get('x-debug-model-runs'));
    const stored = await waitForStored(id);
    expect(stored.status).toBe(200);
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(bytes);
    const second = await png(body, '?output=heatmap&colormap=gray&width=32');
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.headers.get('x-explanation-id')).toBe(id);
    expect(Number(second.headers.get('x-debug-model-runs'))).toBe(runs);
    const image = await decodePng(second.clone());
    expect(new Uint8Array(await second.arrayBuffer())).toEqual(bytes);
    expect([image.width, image.height]).toEqual([32, 32]);
    const revalidated = await call(`/v1/explanations/${id}.png`, { headers: { 'if-none-match': `"${id}"` } });
    expect(revalidated.status).toBe(304);
    const meta = await (await call(`/v1/explanations/${id}.json`)).json<Record<string, unknown>>();
    expect(meta).toMatchObject({ id, method: 'gradcam', model: 'default', width: 32, height: 32 });
  });

  it('gives different ids for different options and explains the class asked for', async () => {
    const body = testPng(40, 40, 3);
    const a = await png(body, '?class=1');
    const b = await png(body, '?class=2');
    expect(a.headers.get('x-explanation-class')).toBe('1');
    expect(b.headers.get('x-explanation-class')).toBe('2');
    expect(a.headers.get('x-explanation-id')).not.toBe(b.headers.get('x-explanation-id'));
  });

  it('returns JSON with logits, top-k and the raw low-resolution map', async () => {
    const res = await png(testPng(50, 50, 4), '?output=json');
    expect(res.headers.get('content-type')).toBe('application/json');
    const json = await res.json<{
      logits: number[];
      top: { probability: number }[];
      map: { shape: number[]; data: number[] };
      class: { index: number };
    }>();
    expect(json.logits).toHaveLength(10);
    expect(json.top[0].probability).toBeGreaterThan(0);
    expect(json.map.shape).toEqual([8, 8]);
    expect(json.map.data).toHaveLength(64);
    expect(Math.min(...json.map.data)).toBeGreaterThanOrEqual(0);
    expect(json.class.index).toBe(json.logits.indexOf(Math.max(...json.logits)));
  });

  it('accepts multipart/form-data with a file field and options as form fields', async () => {
    const form = new FormData();
    form.set('file', new File([testPng(48, 32, 5)], 'x.png', { type: 'image/png' }));
    form.set('output', 'heatmap');
    form.set('class', 'square');
    const res = await call('/v1/explain', { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-explanation-class')).toBe('1');
    expect(res.headers.get('x-explanation-label')).toBe('square');
    const image = await decodePng(res);
    expect([image.width, image.height]).toEqual([48, 32]);
  });

  it('answers concurrent identical requests with identical bytes and stores exactly those bytes', async () => {
    const body = testPng(56, 40, 6);
    const responses = await Promise.all([1, 2, 3].map(() => png(body, '?colormap=jet&alpha=0.3')));
    const bodies = await Promise.all(responses.map(async (r) => new Uint8Array(await r.arrayBuffer())));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    const stored = await waitForStored(responses[0].headers.get('x-explanation-id')!);
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(bodies[0]);
  });
});
