/**
 * wrangler dev with a broken configuration (a raw key in API_KEYS, no CACHE_SECRET): it says so when it
 * starts, and protected requests are 503 misconfigured instead of open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWranglerDev, type WranglerDev } from './wrangler-dev.js';

describe('misconfigured deployment (wrangler dev)', () => {
  let dev: WranglerDev;
  beforeAll(async () => {
    dev = await startWranglerDev({ vars: { API_KEYS: 'raw-key-not-a-hash', CACHE_SECRET: '' } });
  }, 180_000);
  afterAll(async () => dev?.stop());

  it('prints the configuration errors at start', () => {
    expect(dev.output()).toMatch(/configuration error \(API_KEYS\)/);
    expect(dev.output()).toMatch(/configuration error \(CACHE_SECRET\)/);
  });

  it('refuses explain with 503 misconfigured, even with the raw key', async () => {
    const res = await fetch(`${dev.url}/v1/explain`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', authorization: 'Bearer raw-key-not-a-hash' },
      body: new Uint8Array(8),
    });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { code: string; settings: string[] };
    expect(body.code).toBe('misconfigured');
    expect(body.settings).toEqual(['API_KEYS', 'CACHE_SECRET']);
  });
});
