import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { manifestDigest } from '../../src/cache/manifest-digest.js';
import { requestCost } from '../../src/explain/cost.js';
import type { Manifest } from '../../src/manifest.js';
import { ExplainOptionsSchema } from '../../src/routes/explain/options.js';
import { planRequest } from '../../src/routes/explain/request-plan.js';
import { harness } from './app-harness.js';

const manifest = JSON.parse(readFileSync('models/default.json', 'utf8')) as Manifest;
const images = [
  'rgb8',
  'grey8',
  'palette8',
  'rgba8',
  'grey16',
  'rgb16',
  'palette4',
  'greyalpha8',
  'grey4',
  'palette2',
  'grey2',
  'grey1',
].map((name) => new Uint8Array(readFileSync(`test/fixtures/images/png/${name}.png`)));
let next = 0;
const layers = manifest.layers.map((l) => l.name);

async function predicted(query: Record<string, unknown>) {
  const plan = planRequest(manifest, await manifestDigest(manifest), ExplainOptionsSchema.parse(query), { width: 32, height: 32 }, 4096);
  return requestCost(manifest, plan.compute, plan.metrics);
}

function toQuery(query: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const x of [v].flat()) q.append(k, String(x));
  return q.toString();
}

describe('request cost, known before running', () => {
  const h = harness({ runner: nodeRunner, env: { RATE_LIMIT: 'off' } });
  const post = (query: Record<string, unknown>) =>
    h.request(`/v1/explain?output=json&${toQuery(query)}`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: images[next++ % images.length],
    });

  it.each<[Record<string, unknown>]>([
    [{}],
    [{ top: 3 }],
    [{ method: 'smoothgradcam++', n: 8 }],
    [{ method: 'scorecam' }],
    [{ aug: 'flip', class: '2' }],
    [{ metrics: 'drop,deletion' }],
    [{ method: 'gradcam++', layer: layers.slice(0, 2), top: 2 }],
    [{ method: 'smoothgrad', n: 6 }],
    [{ method: 'guided-gradcam' }],
  ])('%j: predicted runs match the JSON runs and the session runs (Score-CAM: at most)', async (query) => {
    const cost = await predicted(query);
    const before = h.registry.runs;
    const res = await post(query);
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { runs: number; cost: number };
    expect(body.runs).toBe(h.registry.runs - before);
    expect(body.cost).toBe(cost.units);
    if (query.method === 'scorecam') expect(cost.runs).toBeGreaterThanOrEqual(body.runs);
    else expect(cost.runs).toBe(body.runs);
  });

  it('the issue request (scorecam, top 10, two layers, flip, every metric) is a 400 saying what to reduce', async () => {
    const before = h.registry.runs;
    const res = await post({
      method: 'scorecam',
      top: 10,
      layer: [layers[0], layers[layers.length - 1]],
      aug: 'flip',
      metrics: 'drop,increase,deletion,insertion',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; detail: string; cost: number; maxCost: number };
    expect(body.code).toBe('request_too_costly');
    expect(body.cost).toBeGreaterThan(body.maxCost);
    expect(body.detail).toMatch(/To reduce it: .*scorecam/);
    expect(h.registry.runs).toBe(before);
  });

  it('the budget is configurable (MAX_REQUEST_COST)', async () => {
    const cost = await predicted({ method: 'smoothgradcam++', n: 16 });
    expect(cost.units).toBeGreaterThan(1);
    const res = await h.request(
      '/v1/explain?output=json&method=smoothgradcam%2B%2B&n=16',
      { method: 'POST', headers: { 'content-type': 'image/png' }, body: images[0] },
      { MAX_REQUEST_COST: String(cost.units - 1) },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/noisy copies \(n\)/);
  });
});

describe('the rate limiter is charged by cost', () => {
  it('a client allowed one Score-CAM per minute gets one, then 429, while another makes as many plain requests', async () => {
    const scorecam = (await predicted({ method: 'scorecam' })).units;
    expect(scorecam).toBeGreaterThan(5);
    const h = harness({ runner: nodeRunner, env: { RATE_LIMIT: `${scorecam + 1}/60` } });
    const post = (query: string, ip: string, i: number) =>
      h.request(`/v1/explain?output=json&${query}`, {
        method: 'POST',
        headers: { 'content-type': 'image/png', 'cf-connecting-ip': ip },
        body: images[i],
      });
    expect((await post('method=scorecam', '198.18.0.1', 0)).status).toBe(200);
    const second = await post('method=scorecam', '198.18.0.1', 1);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBeTruthy();
    for (let i = 0; i < scorecam + 1; i++) expect((await post('method=gradcam', '198.18.0.2', i % images.length)).status).toBe(200);
  });
});
