import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { writeExplanation, type ExplanationMeta } from '../../src/cache/store.js';
import { harness } from './app-harness.js';

const sha = (key: string) => createHash('sha256').update(key).digest('hex');
const KEY = 'user-key-for-cache-policy';
const ID = 'B'.repeat(43);
const META: ExplanationMeta = {
  contentType: 'application/json',
  model: 'default',
  method: 'gradcam',
  layer: 'l',
  classIndex: 1,
  label: 'cat',
  score: 0.5,
  timings: {},
  created: '2026-01-01T00:00:00.000Z',
};
let address = 0;
const get = (headers: Record<string, string> = {}) => ({
  headers: { 'cf-connecting-ip': `192.0.2.${++address}`, origin: 'https://a.example', ...headers },
});

async function stored(env: Record<string, string>) {
  const h = harness({ env: { API_KEYS: sha(KEY), CORS_ORIGINS: '*', ...env } });
  await writeExplanation(h.env.EXPLANATIONS, ID, new TextEncoder().encode('{"map":{"shape":[1,1],"data":[0]}}'), META);
  return h;
}

describe('cache headers of stored explanations', () => {
  it('keyed access: private and Vary Authorization on the explanation, its 304 and its badge', async () => {
    const h = await stored({ EXPLANATIONS_ACCESS: 'keyed' });
    const auth = { authorization: `Bearer ${KEY}` };
    for (const path of [`/v1/explanations/${ID}.json`, `/v1/explanations/${ID}/badge.svg`]) {
      const res = await h.request(path, get(auth));
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toMatch(/^private\b/);
      expect(res.headers.get('cache-control')).not.toMatch(/public/);
      expect(res.headers.get('vary') ?? '').toMatch(/Authorization/i);
      const again = await h.request(path, get({ ...auth, 'if-none-match': res.headers.get('etag')! }));
      expect(again.status).toBe(304);
      expect(again.headers.get('cache-control')).toMatch(/^private\b/);
    }
  });

  it('open access without a key stays public (shareable: the id is the secret)', async () => {
    const h = await stored({ EXPLANATIONS_ACCESS: 'open' });
    const res = await h.request(`/v1/explanations/${ID}.json`, get());
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});
