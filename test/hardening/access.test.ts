import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bearerToken, digestIn, keyDigest, parseKeyHashes } from '../../src/middleware/api-keys/keys.js';
import { parseRate, TokenBuckets } from '../../src/middleware/rate-limit/index.js';
import { API_CSP, PAGE_CSP, securityHeaders } from '../../src/middleware/security-headers/index.js';
import { accessOf } from '../../src/routes/access-policy.js';
import { harness } from './app-harness.js';

const sha = (key: string) => createHash('sha256').update(key).digest('hex');
const USER = 'user-key-0123456789abcdef';
const ADMIN = 'admin-key-fedcba9876543210';
const KEYS = { API_KEYS: `${sha(USER)}, ${sha('second-user')}`, ADMIN_KEYS: sha(ADMIN) };
const ID = 'A'.repeat(43);

let address = 0;
/** A fresh client address per call, so the shared in-isolate buckets never interfere between tests. */
const fresh = () => ({ 'cf-connecting-ip': `198.51.100.${++address}` });

async function problem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  const body = (await res.json()) as { code: string; status: number };
  expect(body).toMatchObject({ code, status });
  return body;
}

const explain = (headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'text/plain', ...fresh(), ...headers },
  body: 'x',
});
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('API keys', () => {
  it('leaves explain open and writes disabled when no keys are configured', async () => {
    const h = harness();
    await problem(await h.request('/v1/explain', explain()), 415, 'unsupported_media_type');
    const put = await h.request('/v1/models/x', { method: 'PUT', headers: fresh(), body: 'x' });
    await problem(put, 403, 'forbidden');
  });

  it('needs a key for explain and classify: 401 without, 403 with a wrong one, through with a user or admin key', async () => {
    const h = harness({ env: KEYS });
    for (const path of ['/v1/explain', '/v1/classify']) {
      const missing = await h.request(path, explain());
      expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="gradcam-edge"');
      await problem(missing, 401, 'unauthorized');
      const wrong = await h.request(path, explain(bearer('guess')));
      expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
      await problem(wrong, 403, 'forbidden');
      await problem(await h.request(path, explain({ authorization: `Basic ${btoa(`u:${USER}`)}` })), 401, 'unauthorized');
      await problem(await h.request(path, explain(bearer(USER))), 415, 'unsupported_media_type');
      await problem(await h.request(path, explain(bearer('second-user'))), 415, 'unsupported_media_type');
      await problem(await h.request(path, explain(bearer(ADMIN))), 415, 'unsupported_media_type');
      await problem(await h.request(path, explain(bearer(sha(USER)))), 403, 'forbidden'); // the hash is not the key
    }
  });

  it('needs an admin key for model writes; a user key gets 403 insufficient_scope', async () => {
    const h = harness({ env: KEYS });
    for (const method of ['PUT', 'DELETE']) {
      await problem(await h.request('/v1/models/x', { method, headers: fresh() }), 401, 'unauthorized');
      const user = await h.request('/v1/models/x', { method, headers: { ...fresh(), ...bearer(USER) } });
      expect(user.headers.get('www-authenticate')).toContain('insufficient_scope');
      await problem(user, 403, 'forbidden');
      const admin = await h.request('/v1/models/x', { method, headers: { ...fresh(), ...bearer(ADMIN) } });
      expect([401, 403]).not.toContain(admin.status);
    }
  });

  it('keeps reads open, and stored explanations open or keyed as configured', async () => {
    const h = harness({ env: KEYS });
    await problem(await h.request(`/v1/explanations/${ID}.png`, { headers: fresh() }), 404, 'explanation_not_found');
    await problem(await h.request(`/v1/explanations/${ID}/badge.svg`, { headers: fresh() }), 404, 'explanation_not_found');
    const keyed = { ...KEYS, EXPLANATIONS_ACCESS: 'keyed' };
    await problem(await h.request(`/v1/explanations/${ID}.png`, { headers: fresh() }, keyed), 401, 'unauthorized');
    await problem(await h.request(`/v1/explanations/${ID}/badge.svg`, { headers: fresh() }, keyed), 401, 'unauthorized');
    await problem(
      await h.request(`/v1/explanations/${ID}.json`, { headers: { ...fresh(), ...bearer(USER) } }, keyed),
      404,
      'explanation_not_found',
    );
    expect((await h.request('/healthz')).status).toBe(200);
  });

  it('has no path variant that reaches a write or compute handler without a key', async () => {
    const h = harness({ env: KEYS });
    const variants = [
      '/v1//models/x',
      '/v1/models/x/',
      '/v1/models//x',
      '/v1/./models/x',
      '/v1/explain/../models/x',
      '/v1/models/x?',
      '/v1/models/x#a',
      '/v1/models/x%2F',
      '//v1/models/x',
    ];
    for (const path of variants) {
      for (const method of ['PUT', 'DELETE']) {
        const res = await h.request(path, {
          method,
          headers: { 'content-type': 'application/octet-stream', ...fresh() },
          body: method === 'PUT' ? 'x' : undefined,
        });
        expect([401, 403, 404], `${method} ${path}`).toContain(res.status);
      }
    }
    for (const path of ['/v1//explain', '/v1/explain/', '/v1/./explain', '//v1/explain', '/v1/classify/']) {
      const res = await h.request(path, { method: 'POST', headers: { 'content-type': 'image/png', ...fresh() }, body: 'x' });
      expect([401, 404], `POST ${path}`).toContain(res.status);
    }
  });

  it('classifies routes', () => {
    expect(accessOf('POST', '/v1/explain', {})).toBe('user');
    expect(accessOf('POST', '/v1/anything-new', {})).toBe('user');
    expect(accessOf('GET', '/v1/models/x', {})).toBe('open');
    expect(accessOf('PUT', '/v1/models/x', {})).toBe('admin');
    expect(accessOf('POST', '/v1/models', {})).toBe('admin');
    expect(accessOf('OPTIONS', '/v1/models/x', {})).toBe('open');
    expect(accessOf('GET', '/v1/explanations/x.png', { EXPLANATIONS_ACCESS: 'keyed' })).toBe('user');
  });

  it('parses key material strictly and compares digests in full', async () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
    const hashes = parseKeyHashes(`${sha('a')}\n${sha('b')},not-a-hash,${'0'.repeat(63)}`);
    expect(hashes).toHaveLength(2);
    expect(digestIn(await keyDigest('b'), hashes)).toBe(true);
    expect(digestIn(await keyDigest('c'), hashes)).toBe(false);
    expect(digestIn(await keyDigest('a'), [])).toBe(false);
    expect(digestIn(new Uint8Array(31), [new Uint8Array(32)])).toBe(false);
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After past the limit, per client address, and per key', async () => {
    const h = harness({ env: { RATE_LIMIT: '3/60' } });
    const ip = fresh();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await h.request('/v1/models/missing', { headers: ip })).status);
    expect(statuses).toEqual([404, 404, 404, 429]);
    const limited = await h.request('/v1/models/missing', { headers: ip });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(19);
    await problem(limited, 429, 'rate_limited');
    expect((await h.request('/v1/models/missing', { headers: fresh() })).status).toBe(404);
    // with keys, the key is the client: one key's budget does not follow the address
    const keyed = harness({ env: { ...KEYS, RATE_LIMIT: '2/60' } });
    const a = { ...fresh(), ...bearer(USER) };
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await keyed.request('/v1/explain', explain(a))).status);
    expect(codes).toEqual([415, 415, 429]);
    expect((await keyed.request('/v1/explain', explain(bearer(ADMIN)))).status).toBe(415);
  });

  it('uses the Rate Limiting binding when there is one, and the buckets when it fails', async () => {
    const seen: string[] = [];
    const binding = { limit: async ({ key }: { key: string }) => (seen.push(key), { success: seen.length < 2 }) };
    const h = harness({ env: { ...KEYS, RATE_LIMIT: '100/10', RATE_LIMITER: binding } });
    expect((await h.request('/v1/explain', explain(bearer(USER)))).status).toBe(415);
    const denied = await h.request('/v1/explain', explain(bearer(USER)));
    expect(denied.headers.get('retry-after')).toBe('10');
    await problem(denied, 429, 'rate_limited');
    expect(seen[0]).toMatch(/^key:[0-9a-f]{16}$/);
    const broken = { limit: async () => Promise.reject(new Error('down')) };
    const ip = fresh();
    const codes = [];
    for (let i = 0; i < 2; i++)
      codes.push((await h.request('/v1/models/m', { headers: ip }, { RATE_LIMIT: '1/60', RATE_LIMITER: broken })).status);
    expect(codes).toEqual([404, 429]);
  });

  it('refills token buckets over time and bounds the number of clients', () => {
    const buckets = new TokenBuckets(100);
    const rate = { requests: 2, seconds: 10 };
    expect(buckets.take('a', rate, 0).allowed).toBe(true);
    expect(buckets.take('a', rate, 0).allowed).toBe(true);
    expect(buckets.take('a', rate, 0)).toEqual({ allowed: false, retryAfter: 5 });
    expect(buckets.take('a', rate, 4000).allowed).toBe(false);
    expect(buckets.take('a', rate, 5000).allowed).toBe(true);
    for (let i = 0; i < 1000; i++) buckets.take(`c${i}`, rate, 100_000 + i);
    expect(buckets.size).toBeLessThanOrEqual(110);
    expect(parseRate('30/10')).toEqual({ requests: 30, seconds: 10 });
    expect(parseRate('off')).toBeNull();
    expect(parseRate(undefined)).toBeNull();
    expect(() => parseRate('fast')).toThrow();
    expect(() => parseRate('0/10')).toThrow();
  });
});

describe('CORS and security headers', () => {
  it('sends no CORS headers unless configured, then the configured origins only', async () => {
    const origin = { origin: 'https://dash.example', ...fresh() };
    const h = harness();
    expect((await h.request('/v1/models/m', { headers: origin })).headers.get('access-control-allow-origin')).toBeNull();
    const star = await h.request('/v1/models/m', { headers: origin }, { CORS_ORIGINS: '*' });
    expect(star.headers.get('access-control-allow-origin')).toBe('*');
    expect(star.headers.get('access-control-expose-headers')).toContain('X-Explanation-Id');
    const list = { CORS_ORIGINS: 'https://a.example, https://dash.example' };
    expect((await h.request('/v1/models/m', { headers: origin }, list)).headers.get('access-control-allow-origin')).toBe(
      'https://dash.example',
    );
    const other = await h.request('/v1/models/m', { headers: { origin: 'https://evil.example', ...fresh() } }, list);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers preflights without a key, and lets browsers read 401 problems', async () => {
    const h = harness({ env: { ...KEYS, CORS_ORIGINS: '*' } });
    const pre = await h.request('/v1/explain', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://dash.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
        ...fresh(),
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toContain('Authorization');
    const denied = await h.request('/v1/explain', explain({ origin: 'https://dash.example' }));
    expect(denied.headers.get('access-control-allow-origin')).toBe('*');
    await problem(denied, 401, 'unauthorized');
  });

  it('sets nosniff and a CSP everywhere, a page CSP on HTML, and no-store on every error', async () => {
    const h = harness();
    const health = await h.request('/healthz');
    expect(health.headers.get('content-security-policy')).toBe(API_CSP);
    expect(health.headers.get('x-frame-options')).toBe('DENY');
    await problem(await h.request('/nowhere'), 404, 'not_found');
    const app = new Hono();
    app.use(securityHeaders());
    app.get('/', (c) => c.html('<p>demo</p>'));
    app.get('/own', (c) => c.html('<p>x</p>', 200, { 'Content-Security-Policy': "default-src 'self'" }));
    app.get('/fail', (c) => c.text('no', 502, { 'Cache-Control': 'public, max-age=60' }));
    expect((await app.request('https://x.test/')).headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect((await app.request('https://x.test/')).headers.get('strict-transport-security')).toContain('max-age=');
    expect((await app.request('/own')).headers.get('content-security-policy')).toBe("default-src 'self'");
    expect((await app.request('/fail')).headers.get('cache-control')).toBe('no-store');
  });
});
