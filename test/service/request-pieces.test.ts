import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { bodyLimit } from '../../src/middleware/body-limit/index.js';
import { serialSession } from '../../src/models/serial-session.js';
import { outputSize } from '../../src/routes/explain/output-size.js';
import { onError } from '../../src/routes/problem.js';
import type { ModelSession } from '../../src/runtime/runner.js';

describe('outputSize', () => {
  it('defaults to the image size, keeps the aspect ratio for one side, bounds everything', () => {
    expect(outputSize({ width: 640, height: 480 }, {}, 4096)).toEqual({ width: 640, height: 480 });
    expect(outputSize({ width: 640, height: 480 }, { width: 320 }, 4096)).toEqual({ width: 320, height: 240 });
    expect(outputSize({ width: 640, height: 480 }, { height: 48 }, 4096)).toEqual({ width: 64, height: 48 });
    expect(outputSize({ width: 8000, height: 2000 }, {}, 4096)).toEqual({ width: 4096, height: 1024 });
    expect(() => outputSize({ width: 10, height: 10 }, { height: 5000 }, 4096)).toThrow(ApiError);
  });
});

describe('serialSession', () => {
  it('runs one at a time in call order, and a failure does not block the queue', async () => {
    const log: string[] = [];
    let active = 0;
    const fake: ModelSession = {
      inputNames: [],
      outputNames: [],
      async run(feeds) {
        const name = Object.keys(feeds)[0];
        active++;
        expect(active).toBe(1);
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`end ${name}`);
        active--;
        if (name === 'b') throw new Error('boom');
        return {};
      },
      release: async () => undefined,
    };
    const s = serialSession(fake);
    const t = { type: 'float32' as const, dims: [1], data: new Float32Array(1) };
    const results = await Promise.allSettled([s.run({ a: t }), s.run({ b: t }), s.run({ c: t })]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});

describe('bodyLimit and problem+json', () => {
  const app = new Hono();
  app.post('/echo', bodyLimit({ maxBytes: () => 10 }), async (c) => c.text(String((await c.req.arrayBuffer()).byteLength)));
  app.get('/boom', () => {
    throw new Error('secret internals at wasm-function[123]');
  });
  app.onError(onError);

  it('passes bodies up to the limit and caches them for later readers', async () => {
    const res = await app.request('/echo', { method: 'POST', body: new Uint8Array(10) });
    expect(await res.text()).toBe('10');
  });

  it('refuses a larger declared or streamed body with 413 payload_too_large', async () => {
    const declared = await app.request('/echo', { method: 'POST', body: new Uint8Array(11), headers: { 'content-length': '11' } });
    expect(declared.status).toBe(413);
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new Uint8Array(6));
        c.enqueue(new Uint8Array(6));
        c.close();
      },
    });
    const streamed = await app.request('/echo', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { code: string }).code).toBe('payload_too_large');
  });

  it('renders unexpected errors as 500 internal without details', async () => {
    const res = await app.request('/boom');
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ status: 500, code: 'internal', title: 'Internal Server Error' });
    expect(body).not.toMatch(/secret|wasm/);
  });
});
