import { describe, expect, it } from 'vitest';
import { writeExplanation, type ExplanationMeta } from '../../src/cache/store.js';
import { explanationTtlSeconds, notStoredDetail } from '../../src/cache/ttl.js';
import { harness } from './app-harness.js';

const META = {
  contentType: 'application/json',
  model: 'm',
  method: 'gradcam',
  layer: 'l',
  classIndex: 0,
  label: null,
  score: 1,
  timings: {},
  created: '',
} as ExplanationMeta;

describe('explanation lifetime (EXPLANATION_TTL_DAYS)', () => {
  it('defaults to 30 days; 0 is forever; fractional days and invalid values are handled', () => {
    expect(explanationTtlSeconds({})).toBe(30 * 86_400);
    expect(explanationTtlSeconds({ EXPLANATION_TTL_DAYS: '7' })).toBe(7 * 86_400);
    expect(explanationTtlSeconds({ EXPLANATION_TTL_DAYS: '0' })).toBeNull();
    expect(explanationTtlSeconds({ EXPLANATION_TTL_DAYS: '0.0001' })).toBe(60); // KV's minimum
    expect(explanationTtlSeconds({ EXPLANATION_TTL_DAYS: 'soon' })).toBe(30 * 86_400);
  });

  it('reaches the KV put as expirationTtl, and is left out for 0', async () => {
    const puts: unknown[] = [];
    const kv = { put: async (_k: string, _v: unknown, options: unknown) => void puts.push(options) } as unknown as KVNamespace;
    await writeExplanation(kv, 'id', new Uint8Array(1), META, explanationTtlSeconds({}));
    await writeExplanation(kv, 'id', new Uint8Array(1), META, explanationTtlSeconds({ EXPLANATION_TTL_DAYS: '0' }));
    expect(puts[0]).toMatchObject({ expirationTtl: 30 * 86_400 });
    expect(puts[1]).not.toHaveProperty('expirationTtl');
  });

  it('the 404 of a missing explanation tells the truth about expiry', async () => {
    expect(notStoredDetail({ EXPLANATION_TTL_DAYS: '0' })).not.toMatch(/expire/);
    const h = harness({ env: { EXPLANATION_TTL_DAYS: '0' } });
    const res = await h.request(`/v1/explanations/${'Q'.repeat(43)}.png`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { detail: string }).detail).not.toMatch(/expire/);
    const h7 = harness({ env: { EXPLANATION_TTL_DAYS: '7' } });
    const res7 = await h7.request(`/v1/explanations/${'Q'.repeat(43)}/badge.svg`);
    expect(((await res7.json()) as { detail: string }).detail).toMatch(/kept for 7 days/);
  });
});
