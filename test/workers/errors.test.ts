import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/image/crc32.js';
import { call, testPng } from './helpers.js';

interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  option?: string;
}

async function problem(res: Response, status: number, code: string): Promise<Problem> {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = await res.json<Problem>();
  expect({ status: res.status, code: body.code }).toEqual({ status, code });
  expect(body.status).toBe(status);
  expect(body.detail).not.toMatch(/at .*\(|wasm|stack/i);
  return body;
}

const post = (body: BodyInit, type = 'image/png', query = '') =>
  call(`/v1/explain${query}`, { method: 'POST', headers: { 'content-type': type }, body });

/** A PNG whose (valid) header declares `width` x `height` but that carries no image data. */
function pngHeaderOnly(width: number, height: number): Uint8Array {
  const bytes = testPng(4, 4).slice(0, 33);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  view.setUint32(29, crc32(bytes.subarray(12, 29)));
  return bytes;
}

async function cacheKeys(): Promise<number> {
  return (await (env as unknown as { EXPLANATIONS: KVNamespace }).EXPLANATIONS.list({ prefix: 'explanation:' })).keys.length;
}

describe('errors are problem+json with a code, never cached', () => {
  it('maps bad input to the documented statuses and codes', async () => {
    const before = await cacheKeys();
    await problem(await post('hello', 'text/plain'), 415, 'unsupported_media_type');
    await problem(await post(new Uint8Array(10 * 1024 * 1024 + 1)), 413, 'payload_too_large');
    await problem(await post(pngHeaderOnly(10000, 5000)), 413, 'image_too_large');
    await problem(await post(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9])), 415, 'unsupported_media_type');
    await problem(await post(new Uint8Array(0)), 422, 'corrupt_image');
    await problem(await post(testPng(8, 8), 'image/jpeg'), 415, 'unsupported_media_type');
    await problem(await post(pngHeaderOnly(64, 64)), 422, 'corrupt_image');
    const colormap = await problem(await post(testPng(8, 8), 'image/png', '?colormap=rainbow'), 400, 'bad_option');
    expect(colormap.option).toBe('colormap');
    expect(colormap.detail).toContain('colormap');
    expect((await problem(await post(testPng(8, 8), 'image/png', '?alpha=2'), 400, 'bad_option')).option).toBe('alpha');
    expect((await problem(await post(testPng(8, 8), 'image/png', '?layer=nope'), 400, 'bad_option')).option).toBe('layer');
    expect((await problem(await post(testPng(8, 8), 'image/png', '?width=5000'), 400, 'bad_option')).option).toBe('width');
    expect((await problem(await post(testPng(8, 8), 'image/png', '?colour=gray'), 400, 'bad_option')).option).toBe('colour');
    await problem(await post(testPng(8, 8), 'image/png', '?class=10'), 400, 'class_out_of_range');
    await problem(await post(testPng(8, 8), 'image/png', '?model=missing'), 404, 'model_not_found');
    await problem(await call(`/v1/explanations/${'x'.repeat(43)}.png`), 404, 'explanation_not_found');
    await problem(await call('/v1/explanations/nope.png'), 404, 'explanation_not_found');
    await problem(await call('/v1/models/missing'), 404, 'model_not_found');
    await problem(await call('/nowhere'), 404, 'not_found');
    expect(await cacheKeys()).toBe(before);
  });
});
