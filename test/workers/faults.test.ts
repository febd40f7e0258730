import { env } from 'cloudflare:workers';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../src/env.js';
import worker from '../../src/index.js';
import { ModelRegistry } from '../../src/models/registry.js';
import { BUNDLED_MODELS } from '../../src/models/source.js';
import { createApp } from '../../src/routes/app.js';
import { ortRunner, wasmMemoryBytes } from '../../src/runtime/ort.js';
import type { ModelRunner } from '../../src/runtime/runner.js';
import { testPng } from './helpers.js';

interface TestEnv extends Env {
  MODELS: KVNamespace;
  TINY_ONNX: ArrayBuffer;
  TINY_JSON: ArrayBuffer;
}
const base = env as unknown as TestEnv;

/** An execution context whose waitUntil work can be awaited. */
function createExecutionContext(): ExecutionContext & { waits: Promise<unknown>[] } {
  const waits: Promise<unknown>[] = [];
  return {
    waits,
    waitUntil: (p: Promise<unknown>) => void waits.push(p),
    passThroughOnException: () => undefined,
    props: {},
  } as unknown as ExecutionContext & { waits: Promise<unknown>[] };
}

async function waitOnExecutionContext(ctx: { waits: Promise<unknown>[] }): Promise<void> {
  while (ctx.waits.length) await Promise.allSettled(ctx.waits.splice(0));
}

type Fetchable = { fetch(req: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> };

/** One request to `app` with `bindings` overriding the test environment; waits for its waitUntil work. */
async function send(app: Fetchable, path: string, init: RequestInit, bindings: Partial<TestEnv> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://local.test${path}`, init), { ...base, ...bindings }, ctx);
  const body = new Uint8Array(await res.arrayBuffer());
  await waitOnExecutionContext(ctx);
  return new Response(body, res);
}

const explain = (seed: number, query = '') =>
  ['/v1/explain' + query, { method: 'POST', headers: { 'content-type': 'image/png' }, body: testPng(48, 40, seed) }] as const;

async function expectPng(res: Response, width = 48, height = 40): Promise<void> {
  if (res.status !== 200) expect.fail(`status ${res.status}: ${(await res.text()).slice(0, 200)}`);
  const png = decode(new Uint8Array(await res.arrayBuffer()));
  expect({ width: png.width, height: png.height }).toEqual({ width, height });
}

async function expectProblem(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(((await res.json()) as { code: string }).code).toBe(code);
}

/** A KV namespace whose every call fails, as when KV is unavailable. */
const downKv = new Proxy({}, { get: () => async () => Promise.reject(new Error('KV unavailable (injected)')) }) as KVNamespace;

/** The real namespace with reads delayed by `ms`. */
function slowKv(kv: KVNamespace, ms: number): KVNamespace {
  const later = <T>(f: () => Promise<T>) => new Promise<T>((resolve, reject) => setTimeout(() => f().then(resolve, reject), ms));
  return new Proxy(kv, {
    get: (target, name) => {
      const value = Reflect.get(target, name) as (...a: unknown[]) => Promise<unknown>;
      if (name === 'get' || name === 'getWithMetadata') return (...args: unknown[]) => later(() => value.apply(target, args));
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

describe('faults: the explanation cache', () => {
  it('serves explanations as misses while KV is down (reads and writes failing)', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await send(worker, ...explain(101), { EXPLANATIONS: downKv });
      expect(res.headers.get('x-cache')).toBe('miss');
      await expectPng(res);
    }
  });

  it('serves explanations as misses when KV reads are slow (bounded wait), and still caches them', async () => {
    const slow = slowKv(base.EXPLANATIONS, 4000);
    const start = Date.now();
    const res = await send(worker, ...explain(102), { EXPLANATIONS: slow });
    const elapsed = Date.now() - start;
    expect(res.headers.get('x-cache')).toBe('miss');
    await expectPng(res);
    expect(elapsed).toBeLessThan(3500);
    const again = await send(worker, ...explain(102));
    expect(again.headers.get('x-cache')).toBe('hit');
  });
});

describe('faults: models', () => {
  it('answers 404 for a missing model and 503 for a corrupt one, while the others keep working', async () => {
    const garbage = new Uint8Array(4096).map((_, i) => (i * 7919) & 255);
    const manifest = JSON.parse(new TextDecoder().decode(base.TINY_JSON)) as Record<string, unknown>;
    await base.MODELS.put('corrupt.onnx', garbage);
    await base.MODELS.put('corrupt.json', JSON.stringify({ ...manifest, sha256: await sha256Hex(garbage) }));
    await base.MODELS.put('mismatch.onnx', garbage);
    await base.MODELS.put('mismatch.json', JSON.stringify(manifest));
    await base.MODELS.put('nofile.json', JSON.stringify(manifest));
    await base.MODELS.put('badmanifest.json', '{"format":"something-else"}');
    await base.MODELS.put('badmanifest.onnx', base.TINY_ONNX);
    await expectProblem(await send(worker, ...explain(103, '?model=absent')), 404, 'model_not_found');
    for (const id of ['corrupt', 'mismatch', 'nofile', 'badmanifest']) {
      for (let i = 0; i < 2; i++) await expectProblem(await send(worker, ...explain(103, `?model=${id}`)), 503, 'model_unavailable');
    }
    await expectPng(await send(worker, ...explain(103)));
    const list = (await (await send(worker, '/v1/models', {})).json()) as { models: { id: string }[] };
    expect(list.models.map((m) => m.id)).toContain('default');
    expect(list.models.map((m) => m.id)).not.toContain('badmanifest');
  });

  it('answers 503 with Retry-After when the MODELS namespace is down; bundled models keep working', async () => {
    const res = await send(worker, ...explain(104, '?model=tiny'), { MODELS: downKv });
    expect(res.headers.get('retry-after')).toBe('5');
    await expectProblem(res, 503, 'model_unavailable');
    await expectPng(await send(worker, ...explain(104), { MODELS: downKv }));
    const list = (await (await send(worker, '/v1/models', {}, { MODELS: downKv })).json()) as { models: { id: string }[] };
    expect(list.models.map((m) => m.id)).toEqual([...BUNDLED_MODELS]);
  });

  it('drops a session whose run fails: that request gets 503 + Retry-After, the next one succeeds on a fresh session', async () => {
    let runs = 0;
    const failOn = new Set([2]);
    const flaky = (): ModelRunner => ({
      async createSession(bytes) {
        const session = await ortRunner().createSession(bytes);
        return {
          ...session,
          inputNames: session.inputNames,
          outputNames: session.outputNames,
          run: async (f, o) => {
            if (failOn.has(++runs)) throw new Error('RuntimeError: memory access out of bounds (injected)');
            return session.run(f, o);
          },
          release: () => session.release(),
        };
      },
    });
    const registry = new ModelRegistry({ runner: flaky });
    const app = createApp({ registry, wasmMemoryBytes }) as unknown as Fetchable;
    const noCache = { EXPLANATIONS: undefined as unknown as KVNamespace };
    await expectPng(await send(app, ...explain(105), noCache));
    const failed = await send(app, ...explain(106), noCache);
    expect(failed.headers.get('retry-after')).toBe('1');
    const body = await failed.clone().text();
    expect(body).not.toMatch(/memory access|RuntimeError|wasm/i);
    await expectProblem(failed, 503, 'model_unavailable');
    await expectPng(await send(app, ...explain(106), noCache));
    expect({ created: registry.created, dropped: registry.dropped }).toEqual({ created: 2, dropped: 1 });
    // a failure among concurrent requests: only the failing run's request is refused
    failOn.add(runs + 2);
    const results = await Promise.all([107, 108, 109, 110].map((s) => send(app, ...explain(s), noCache)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 503]);
    await expectPng(await send(app, ...explain(111), noCache));
    expect(registry.dropped).toBe(2);
  });
});

describe('faults: clients that go away', () => {
  it('answers 400 (not 500) to a request body that breaks off, caches nothing, and keeps serving', async () => {
    const before = (await base.EXPLANATIONS.list({ prefix: 'explanation:' })).keys.length;
    const png = testPng(48, 40, 112);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 0) return controller.error(new Error('connection reset (injected)'));
        sent++;
        controller.enqueue(png.subarray(0, 100));
      },
    });
    const res = await send(worker, '/v1/explain', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body,
      duplex: 'half',
    } as RequestInit);
    await expectProblem(res, 400, 'bad_request');
    expect((await base.EXPLANATIONS.list({ prefix: 'explanation:' })).keys.length).toBe(before);
    await expectPng(await send(worker, ...explain(112)));
  });

  it('survives a client that stops reading the PNG after the headers; the stored copy is whole', async () => {
    const ctx = createExecutionContext();
    const [path, init] = explain(113);
    const res = await worker.fetch(new Request(`http://local.test${path}`, init), base, ctx);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await waitOnExecutionContext(ctx);
    const hit = await send(worker, ...explain(113));
    expect(hit.headers.get('x-cache')).toBe('hit');
    await expectPng(hit);
  });
});
