/**
 * The self-hosted Node mode over HTTP: `cli/serve/main.ts` (npm run serve:node) started on a free port with
 * the bundled models, explaining a scene image; the same routes and headers as the Worker, a working cache
 * (hit with identical bytes, stored explanation, badge), models listed from the directory.
 */
import { decode, encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderScene } from '../../src/scenes/index.js';
import { startNodeServerProcess, type NodeServerProcess } from './node-server.js';

const scene = renderScene({ seed: 11, size: 96 });
const png = encode({ width: 96, height: 96, data: scene.image, channels: 3, depth: 8 });

describe('npm run serve:node', () => {
  let server: NodeServerProcess;
  beforeAll(async () => {
    server = await startNodeServerProcess({ args: ['--threads', '2', '--cache-mb', '8'], env: { DEBUG_COUNTERS: '1' } });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  const explain = (query = '') =>
    fetch(`${server.url}/v1/explain${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });

  it('explains a PNG, then serves the same bytes from its cache', async () => {
    const first = await explain('?output=overlay');
    expect(first.status, server.output()).toBe(200);
    expect(first.headers.get('x-cache')).toBe('miss');
    expect(first.headers.get('x-explanation-model')).toBe('default');
    const bytes = new Uint8Array(await first.arrayBuffer());
    const image = decode(bytes);
    expect([image.width, image.height, image.channels]).toEqual([96, 96, 3]);
    const id = first.headers.get('x-explanation-id')!;
    let second = await explain('?output=overlay');
    for (let i = 0; i < 20 && second.headers.get('x-cache') !== 'hit'; i++) {
      await second.arrayBuffer();
      await new Promise((r) => setTimeout(r, 100));
      second = await explain('?output=overlay');
    }
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.headers.get('x-debug-model-runs')).toBe(first.headers.get('x-debug-model-runs'));
    expect(new Uint8Array(await second.arrayBuffer())).toEqual(bytes);
    const stored = await fetch(`${server.url}/v1/explanations/${id}.png`);
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(bytes);
    const badge = await fetch(`${server.url}/v1/explanations/${id}/badge.svg`);
    expect(badge.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
  });

  it('gives top-5 JSON, lists the directory models, and answers errors as problem+json', async () => {
    const json = (await (await explain('?output=json&method=gradcam%2B%2B')).json()) as { top: { probability: number }[]; method: string };
    expect(json.top).toHaveLength(5);
    expect(json.method).toBe('gradcam++');
    const models = (await (await fetch(`${server.url}/v1/models`)).json()) as { models: { id: string }[] };
    expect(models.models.map((m) => m.id)).toContain('default');
    const bad = await fetch(`${server.url}/v1/explain`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: png.slice(0, 30),
    });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    const missing = await fetch(`${server.url}/v1/explain?model=nope`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: png,
    });
    expect(missing.status).toBe(404);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { sessions: number; wasmMemoryBytes: number };
    expect(health.sessions).toBe(1);
    expect(health.wasmMemoryBytes).toBeGreaterThan(0);
  });
});
