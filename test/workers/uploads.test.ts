import { env } from 'cloudflare:workers';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../src/env.js';
import worker from '../../src/index.js';
import { testPng } from './helpers.js';

interface TestEnv extends Env {
  MODELS: KVNamespace;
  TINY_ONNX: ArrayBuffer;
  TINY_JSON: ArrayBuffer;
  PLAIN_ONNX: ArrayBuffer;
}
const base = env as unknown as TestEnv;

const ADMIN = 'test-admin-key';
const USER = 'test-user-key';
async function sha(text: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function send(path: string, init: RequestInit = {}, extra: Partial<TestEnv> = {}): Promise<Response> {
  const keys = { API_KEYS: await sha(USER), ADMIN_KEYS: await sha(ADMIN) };
  const waits: Promise<unknown>[] = [];
  const ctx = {
    waitUntil: (p: Promise<unknown>) => void waits.push(p),
    passThroughOnException: () => undefined,
    props: {},
  } as unknown as ExecutionContext;
  const res = await worker.fetch(new Request(`http://local.test${path}`, init), { ...base, ...keys, ...extra }, ctx);
  const body = await res.arrayBuffer();
  await Promise.allSettled(waits);
  return new Response(body, res);
}

const as = (key: string, init: RequestInit = {}) => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${key}` },
});
const octets = (body: BodyInit) => ({ method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body });
const explain = (model: string) =>
  [
    `/v1/explain?model=${model}`,
    as(USER, { method: 'POST', headers: { 'content-type': 'image/png' }, body: testPng(40, 30, 77) }),
  ] as const;

async function problem(res: Response, status: number, code: string): Promise<string> {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as { code: string; detail: string };
  expect({ status: res.status, code: body.code }).toEqual({ status, code });
  expect(body.detail).not.toMatch(/wasm|RuntimeError|\bat .*\(/i);
  return body.detail;
}

interface Uploaded {
  id: string;
  version: number;
  prepared: string;
  classes: number;
  layers: { name: string; default: boolean }[];
  sha256: string;
}

describe('model uploads', () => {
  it('prepares a plain ONNX classifier inside the Worker, stores it versioned, serves explanations with it, deletes it', async () => {
    const res = await send('/v1/models/mnv2', as(ADMIN, octets(base.PLAIN_ONNX)));
    expect(res.status, await res.clone().text()).toBe(201);
    expect(res.headers.get('location')).toBe('http://local.test/v1/models/mnv2');
    const first = (await res.json()) as Uploaded;
    expect(first).toMatchObject({ id: 'mnv2', version: 1, prepared: 'in-worker', classes: 10 });
    expect(first.layers.filter((l) => l.default)).toHaveLength(1);
    const described = (await (await send('/v1/models/mnv2')).json()) as { sha256: string };
    expect(described.sha256).toBe(first.sha256);
    const out = await send(...explain('mnv2'));
    expect(out.status).toBe(200);
    expect(decode(new Uint8Array(await out.arrayBuffer())).width).toBe(40);
    const labels = encodeURIComponent(JSON.stringify(Array.from({ length: 10 }, (_, i) => `class ${i}`)));
    const again = (await (await send(`/v1/models/mnv2?labels=${labels}`, as(ADMIN, octets(base.PLAIN_ONNX)))).json()) as Uploaded;
    expect(again.version).toBe(2);
    expect(((await (await send('/v1/models/mnv2')).json()) as { labels: string[] }).labels[3]).toBe('class 3');
    await problem(await send('/v1/models/mnv2?labels=a,b', as(ADMIN, octets(base.PLAIN_ONNX))), 400, 'bad_option');
    expect((await base.MODELS.list({ prefix: 'versions/mnv2/' })).keys).toHaveLength(4);
    expect((await send('/v1/models/mnv2', as(ADMIN, { method: 'DELETE' }))).status).toBe(204);
    await problem(await send('/v1/models/mnv2'), 404, 'model_not_found');
    await problem(await send(...explain('mnv2')), 404, 'model_not_found');
    expect((await base.MODELS.list({ prefix: 'versions/mnv2/' })).keys).toHaveLength(0);
    await problem(await send('/v1/models/mnv2', as(ADMIN, { method: 'DELETE' })), 404, 'model_not_found');
  });

  it('stores an already prepared model with its manifest after one run, and refuses a manifest of another file', async () => {
    const form = new FormData();
    form.set('model', new Blob([base.TINY_ONNX]), 'tiny.onnx');
    form.set('manifest', new Blob([base.TINY_JSON], { type: 'application/json' }), 'tiny.json');
    const res = await send('/v1/models/tiny-up', as(ADMIN, { method: 'PUT', body: form }));
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toMatchObject({ id: 'tiny-up', version: 1, prepared: 'uploaded', classes: 10 });
    expect((await send(...explain('tiny-up'))).status).toBe(200);
    const manifest = JSON.parse(new TextDecoder().decode(base.TINY_JSON)) as Record<string, unknown>;
    const wrong = new FormData();
    wrong.set('model', new Blob([base.TINY_ONNX]), 'tiny.onnx');
    wrong.set('manifest', JSON.stringify({ ...manifest, sha256: '0'.repeat(64) }));
    expect(await problem(await send('/v1/models/tiny-up', as(ADMIN, { method: 'PUT', body: wrong })), 422, 'invalid_model')).toContain(
      'sha256',
    );
    const bare = await send('/v1/models/tiny-bare', as(ADMIN, octets(base.TINY_ONNX)));
    expect(await problem(bare, 422, 'invalid_model')).toContain('manifest');
  });

  it('refuses what it cannot take, saying what to change', async () => {
    expect(await problem(await send('/v1/models/junk', as(ADMIN, octets(new Uint8Array(1000).fill(7)))), 422, 'invalid_model')).toContain(
      'ONNX',
    );
    await problem(await send('/v1/models/big', as(ADMIN, octets(base.PLAIN_ONNX)), { MAX_MODEL_BYTES: '1000' }), 413, 'payload_too_large');
    const tooBigToPrepare = await send('/v1/models/big', as(ADMIN, octets(base.PLAIN_ONNX)), { MAX_PREPARE_BYTES: '1000' });
    expect(await problem(tooBigToPrepare, 413, 'payload_too_large')).toContain('manifest');
    await problem(
      await send('/v1/models/x', as(ADMIN, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'x' })),
      415,
      'unsupported_media_type',
    );
    await problem(await send('/v1/models/x?quantize=fp4', as(ADMIN, octets(base.PLAIN_ONNX))), 400, 'bad_option');
    await problem(await send('/v1/models/x?layer=nope', as(ADMIN, octets(base.PLAIN_ONNX))), 400, 'unknown_layer');
    await problem(await send('/v1/models/default', as(ADMIN, octets(base.PLAIN_ONNX))), 403, 'forbidden');
    await problem(await send('/v1/models/default', as(ADMIN, { method: 'DELETE' })), 403, 'forbidden');
    await problem(await send('/v1/models/x', octets(base.PLAIN_ONNX)), 401, 'unauthorized');
    await problem(await send('/v1/models/x', as(USER, octets(base.PLAIN_ONNX))), 403, 'forbidden');
    await problem(await send('/v1/models/x', as(ADMIN, { method: 'DELETE' })), 404, 'model_not_found');
    expect((await base.MODELS.list({ prefix: 'x.' })).keys).toHaveLength(0);
    expect((await send(...explain('default'))).status).toBe(200);
  });
});
