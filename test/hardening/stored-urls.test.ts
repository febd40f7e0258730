import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { harness } from './app-harness.js';

const png = new Uint8Array(readFileSync('test/fixtures/images/png/rgb8.png'));
const post = { method: 'POST', headers: { 'content-type': 'image/png' }, body: png };

interface JsonExplanation {
  id: string;
  url: string;
  embed: { badge: { url: string; markdown: string } };
}

describe('URLs inside stored JSON explanations', () => {
  it('never come from the Host of the request that computed them (relative paths without PUBLIC_URL)', async () => {
    const h = harness({ runner: nodeRunner });
    const first = await h.request('http://evil.example/v1/explain?output=json', post);
    expect(first.status).toBe(200);
    const body = (await first.json()) as JsonExplanation;
    await h.settle();
    const hit = await h.request('/v1/explain?output=json', post);
    expect(hit.headers.get('x-cache')).toBe('hit');
    const text = await hit.text();
    expect(text).not.toContain('evil.example');
    const cached = JSON.parse(text) as JsonExplanation;
    expect(cached.url).toBe(`/v1/explanations/${body.id}.json`);
    expect(cached.embed.badge.url).toBe(`/v1/explanations/${body.id}/badge.svg`);
  });

  it('use PUBLIC_URL when it is configured', async () => {
    const h = harness({ runner: nodeRunner, env: { PUBLIC_URL: 'https://explain.example.com' } });
    const res = await h.request('http://evil.example/v1/explain?output=json', post);
    const body = (await res.json()) as JsonExplanation;
    expect(body.url).toBe(`https://explain.example.com/v1/explanations/${body.id}.json`);
    expect(body.embed.badge.markdown).toContain('https://explain.example.com/v1/explanations/');
    expect(JSON.stringify(body)).not.toContain('evil.example');
  });
});
