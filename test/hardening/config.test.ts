import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { configProblems, configReport } from '../../src/config/validate.js';
import { harness } from './app-harness.js';

const sha = (key: string) => createHash('sha256').update(key).digest('hex');
let address = 0;
const fresh = () => ({ 'cf-connecting-ip': `203.0.113.${++address}` });
const png = () => ({ method: 'POST', headers: { 'content-type': 'image/png', ...fresh() }, body: new Uint8Array(8) });

async function misconfigured(res: Response, setting: string) {
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as { code: string; detail: string; settings: string[] };
  expect(body.code).toBe('misconfigured');
  expect(body.settings).toContain(setting);
  expect(body.detail).toContain(setting);
  return body;
}

describe('a broken configuration fails closed', () => {
  it('raw keys in API_KEYS (not hashes) make explain and classify 503, never open', async () => {
    const h = harness({ env: { API_KEYS: 'my-raw-secret-key' } });
    await misconfigured(await h.request('/v1/explain', png()), 'API_KEYS');
    await misconfigured(await h.request('/v1/classify', png()), 'API_KEYS');
    // Even with the raw key presented, the request is refused: the configuration must be fixed.
    await misconfigured(
      await h.request('/v1/explain', { ...png(), headers: { ...png().headers, authorization: 'Bearer my-raw-secret-key' } }),
      'API_KEYS',
    );
  });

  it('one malformed entry among good hashes is still a 503 (not silently dropped)', async () => {
    const h = harness({ env: { API_KEYS: `${sha('good')}, not-a-hash` } });
    await misconfigured(await h.request('/v1/explain', png()), 'API_KEYS');
  });

  it('malformed ADMIN_KEYS refuse model writes with 503', async () => {
    const h = harness({ env: { ADMIN_KEYS: 'admin' } });
    await misconfigured(await h.request('/v1/models/x', { method: 'PUT', headers: fresh(), body: 'x' }), 'ADMIN_KEYS');
  });

  it('a missing or short CACHE_SECRET is a 503 naming it (was a 500 internal)', async () => {
    for (const secret of [undefined, '', 'short']) {
      const h = harness({ env: { CACHE_SECRET: secret as unknown as string } });
      await misconfigured(await h.request('/v1/explain', png()), 'CACHE_SECRET');
    }
  });

  it('open requests keep working so the operator can look around', async () => {
    const h = harness({ env: { API_KEYS: 'raw', CACHE_SECRET: '' } });
    expect((await h.request('/v1/models', { headers: fresh() })).status).toBe(200);
    expect((await h.request('/healthz')).status).toBe(200);
  });

  it('a good configuration has no problems; the startup report names each problem and warns when open', () => {
    expect(configProblems({ API_KEYS: sha('a'), ADMIN_KEYS: sha('b'), CACHE_SECRET: 'x'.repeat(32) })).toEqual([]);
    const report = configReport({ API_KEYS: 'raw', CACHE_SECRET: '' });
    expect(report.join('\n')).toMatch(/API_KEYS/);
    expect(report.join('\n')).toMatch(/CACHE_SECRET/);
    expect(configReport({ CACHE_SECRET: 'x'.repeat(32) }).join('\n')).toMatch(/open to everyone/);
    expect(configReport({ API_KEYS: sha('a'), CACHE_SECRET: 'x'.repeat(32) })).toEqual([]);
  });
});
