/**
 * Hardening end to end over HTTP against `wrangler dev` (the real bundle in workerd, without Node
 * compatibility): API keys from vars, the Rate Limiting binding simulated locally (429 + Retry-After after
 * the configured 120 requests), security headers, and a plain model uploaded, prepared in the Worker,
 * explained with and deleted.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWranglerDev, type WranglerDev } from './wrangler-dev.js';

const USER = 'e2e-user-key';
const ADMIN = 'e2e-admin-key';
const sha = (key: string) => createHash('sha256').update(key).digest('hex');
const image = (seed: number) => {
  const data = new Uint8Array(40 * 30 * 3).map((_, i) => (i * 7 + seed * 31) & 255);
  return encode({ width: 40, height: 30, data, channels: 3, depth: 8 });
};

describe('hardening end to end (wrangler dev)', () => {
  let dev: WranglerDev;
  beforeAll(async () => {
    dev = await startWranglerDev({ vars: { API_KEYS: sha(USER), ADMIN_KEYS: sha(ADMIN), RATE_LIMIT: '120/60' } });
  }, 120_000);
  afterAll(async () => {
    await dev?.stop();
  });

  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  it('needs a key to explain, and sends the security headers', async () => {
    const body = image(1);
    const missing = await fetch(`${dev.url}/v1/explain`, { method: 'POST', headers: { 'content-type': 'image/png' }, body });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect(missing.headers.get('cache-control')).toBe('no-store');
    const ok = await fetch(`${dev.url}/v1/explain`, { method: 'POST', headers: { 'content-type': 'image/png', ...bearer(USER) }, body });
    expect(ok.status, dev.output()).toBe(200);
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ok.headers.get('content-security-policy')).toContain("default-src 'none'");
    await ok.arrayBuffer();
  });

  it('uploads a plain model, prepares it in the Worker, explains with it, deletes it', async () => {
    const model = readFileSync('test/fixtures/models/squeezenet/model.onnx');
    const put = await fetch(`${dev.url}/v1/models/sq`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', ...bearer(ADMIN) },
      body: model,
    });
    expect(put.status, `${await put.clone().text()}\n${dev.output().slice(-2000)}`).toBe(201);
    expect(await put.json()).toMatchObject({ id: 'sq', version: 1, prepared: 'in-worker' });
    const res = await fetch(`${dev.url}/v1/explain?model=sq&output=json`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', ...bearer(USER) },
      body: image(2),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { model: string }).model).toBe('sq');
    expect((await fetch(`${dev.url}/v1/models/sq`, { method: 'DELETE', headers: bearer(ADMIN) })).status).toBe(204);
    expect((await fetch(`${dev.url}/v1/models/sq`)).status).toBe(404);
  }, 60_000);

  it('rate limits a client through the Rate Limiting binding: 429 with Retry-After past the limit', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 130; i++) {
      const res = await fetch(`${dev.url}/v1/models/none`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter ??= res.headers.get('retry-after');
      await res.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(new Set(statuses.slice(0, 100)), 'statuses of the first 100 requests').toEqual(new Set([404]));
    expect(retryAfter).toBe('60');
  }, 60_000);
});
