/**
 * End to end over HTTP against `wrangler dev`: the real wrangler bundle in workerd, which (unlike the vitest
 * pool) forbids `new Function` and leaves `import.meta.url` undefined, so this is the check that the ORT shim
 * and the bundled default model work as they will when deployed.
 */
import { decode, encode } from 'fast-png';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWranglerDev, type WranglerDev } from './wrangler-dev.js';

function pixels(width: number, height: number, seed: number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    data.set([(x * 255) / width, (y * 255) / height, (x * y + seed) & 255, 255], i * 4);
  }
  return data;
}

const png = (w: number, h: number, seed: number) => encode({ width: w, height: h, data: pixels(w, h, seed), channels: 4, depth: 8 });
const jpg = (w: number, h: number, seed: number) => new Uint8Array(jpeg.encode({ width: w, height: h, data: pixels(w, h, seed) }, 90).data);

describe('wrangler dev end to end', () => {
  let dev: WranglerDev;
  beforeAll(async () => {
    dev = await startWranglerDev();
  }, 120_000);
  afterAll(async () => {
    await dev?.stop();
  });

  const explain = (body: Uint8Array, type: string, query = '') =>
    fetch(`${dev.url}/v1/explain${query}`, { method: 'POST', headers: { 'content-type': type }, body });

  it('explains a PNG: a decodable PNG of the image size with the explanation headers', async () => {
    const res = await explain(png(100, 80, 1), 'image/png');
    expect(res.status, dev.output()).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-cache')).toBe('miss');
    expect(res.headers.get('x-explanation-method')).toBe('gradcam');
    expect(res.headers.get('x-explanation-id')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const image = decode(new Uint8Array(await res.arrayBuffer()));
    expect([image.width, image.height]).toEqual([100, 80]);
  });

  it('explains a JPEG, then serves the same bytes from the cache', async () => {
    const body = jpg(64, 48, 2);
    const first = await explain(body, 'image/jpeg', '?output=heatmap');
    expect(first.status, dev.output()).toBe(200);
    const bytes = new Uint8Array(await first.arrayBuffer());
    expect([decode(bytes).width, decode(bytes).height]).toEqual([64, 48]);
    const id = first.headers.get('x-explanation-id');
    let second: Response | undefined;
    for (let i = 0; i < 40; i++) {
      second = await explain(body, 'image/jpeg', '?output=heatmap');
      if (second.headers.get('x-cache') === 'hit') break;
      await second.arrayBuffer();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(second!.headers.get('x-cache')).toBe('hit');
    expect(second!.headers.get('x-explanation-id')).toBe(id);
    expect(new Uint8Array(await second!.arrayBuffer())).toEqual(bytes);
    const stored = await fetch(`${dev.url}/v1/explanations/${id}.png`);
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(bytes);
  });

  it('reports WASM memory under 128 MB and answers errors as problem+json', async () => {
    const health = (await (await fetch(`${dev.url}/healthz`)).json()) as { wasmMemoryBytes: number };
    expect(health.wasmMemoryBytes).toBeGreaterThan(0);
    expect(health.wasmMemoryBytes).toBeLessThan(128 * 1024 * 1024);
    const bad = await explain(png(8, 8, 3).slice(0, 40), 'image/png');
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
  });
});
