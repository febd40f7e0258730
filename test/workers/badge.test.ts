/**
 * GET /v1/explanations/{id}/badge.svg in workerd: an SVG badge with the method, label and score of the stored
 * explanation and a thumbnail made from it; cacheable; 404 problem+json otherwise. The JSON output carries
 * the embed snippets pointing at it.
 */
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { call, decodeRgb, testPng, waitForStored } from './helpers.js';

const explain = (body: Uint8Array, query = '') =>
  call(`/v1/explain${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body });

function embeddedPng(svg: string): ReturnType<typeof decode> {
  const match = /href="data:image\/png;base64,([A-Za-z0-9+/=]+)"/.exec(svg);
  expect(match).not.toBeNull();
  return decode(Uint8Array.from(atob(match![1]), (ch) => ch.charCodeAt(0)));
}

function meanRgb(image: { data: ArrayLike<number>; channels: number }): number[] {
  const sum = [0, 0, 0];
  const n = image.data.length / image.channels;
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) sum[k] += image.data[i * image.channels + k];
  return sum.map((s) => s / n);
}

async function badge(id: string, init?: RequestInit): Promise<Response> {
  await waitForStored(id, 'json');
  return call(`/v1/explanations/${id}/badge.svg`, init);
}

describe('GET /v1/explanations/{id}/badge.svg', () => {
  it('shows method, label and score beside a thumbnail of the stored PNG', async () => {
    const res = await explain(testPng(120, 60, 11), '?output=heatmap&method=gradcam');
    const id = res.headers.get('x-explanation-id')!;
    const label = decodeURIComponent(res.headers.get('x-explanation-label')!);
    const score = Number(res.headers.get('x-explanation-score'));
    const full = decodeRgb(new Uint8Array(await res.arrayBuffer()));
    const svgRes = await badge(id);
    expect(svgRes.status).toBe(200);
    expect(svgRes.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(svgRes.headers.get('cache-control')).toContain('immutable');
    const svg = await svgRes.text();
    expect(svg.slice(0, 39)).toBe('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain('>gradcam<');
    expect(svg).toContain(`${label} ${(score * 100).toFixed(1)}%`);
    expect(svg).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    const thumb = embeddedPng(svg);
    expect([thumb.width, thumb.height]).toEqual([112, 56]);
    // a downscale keeps the mean colour of the stored heatmap
    meanRgb(thumb).forEach((m, k) => expect(Math.abs(m - meanRgb(full)[k])).toBeLessThan(6));
  });

  it('answers 304 to its ETag and 404 problem+json for unknown or malformed ids', async () => {
    const res = await explain(testPng(40, 40, 12));
    const id = res.headers.get('x-explanation-id')!;
    await res.arrayBuffer();
    const first = await badge(id);
    const etag = first.headers.get('etag')!;
    await first.arrayBuffer();
    const again = await call(`/v1/explanations/${id}/badge.svg`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    for (const path of [`/v1/explanations/${'Z'.repeat(43)}/badge.svg`, '/v1/explanations/short/badge.svg']) {
      const missing = await call(path);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toBe('application/problem+json');
      expect(((await missing.json()) as { code: string }).code).toBe('explanation_not_found');
    }
  });

  it('renders a JSON explanation map as the thumbnail, and output=json carries the embed snippets', async () => {
    const res = await explain(testPng(64, 64, 13), '?output=json');
    const body = (await res.json()) as { id: string; embed: { image: unknown; badge: { url: string; markdown: string; html: string } } };
    expect(body.embed.image).toBeNull();
    // Stored JSON bodies never carry the request's Host: relative paths unless PUBLIC_URL is configured.
    expect(body.embed.badge.url).toBe(`/v1/explanations/${body.id}/badge.svg`);
    expect(body.embed.badge.markdown).toMatch(
      /^\[!\[gradcam: .+\]\(\/v1\/explanations\/[\w-]{43}\/badge\.svg\)\]\(\/v1\/explanations\/[\w-]{43}\.json\)$/,
    );
    expect(body.embed.badge.html).toContain(`<img src="${body.embed.badge.url}"`);
    const svgRes = await badge(body.id);
    expect(svgRes.status).toBe(200);
    const thumb = embeddedPng(await svgRes.text());
    expect([thumb.width, thumb.height]).toEqual([56, 56]);
  });

  it('adds image and badge snippets to the metadata of a PNG explanation', async () => {
    const res = await explain(testPng(50, 50, 14));
    const id = res.headers.get('x-explanation-id')!;
    await res.arrayBuffer();
    const meta = (await (await waitForStored(id, 'json')).json()) as {
      embed: { image: { url: string; markdown: string }; badge: { url: string } };
    };
    expect(meta.embed.image.url).toBe(`http://local.test/v1/explanations/${id}.png`);
    expect(meta.embed.image.markdown).toContain(`(http://local.test/v1/explanations/${id}.png)`);
    expect(meta.embed.badge.url).toBe(`http://local.test/v1/explanations/${id}/badge.svg`);
  });
});
