import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, testPng, waitForStored } from './helpers.js';

describe('stored explanations expire', () => {
  it('are written with a 30-day expirationTtl by default (real KV binding), and the 404 says so', async () => {
    const before = Date.now() / 1000;
    const res = await call('/v1/explain?output=json', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: testPng(40, 40, 77),
    });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    await (await waitForStored(id, 'json')).arrayBuffer();
    const kv = (env as unknown as { EXPLANATIONS: KVNamespace }).EXPLANATIONS;
    const key = (await kv.list({ prefix: `explanation:${id}` })).keys[0];
    expect(key.expiration).toBeDefined();
    expect(key.expiration! - before).toBeGreaterThan(30 * 86_400 - 120);
    expect(key.expiration! - before).toBeLessThan(30 * 86_400 + 120);
    const missing = await call(`/v1/explanations/${'Q'.repeat(43)}.json`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { detail: string }).detail).toMatch(/kept for 30 days/);
  });
});
