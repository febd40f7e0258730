import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, decodePng, testPng } from './helpers.js';

interface TestEnv {
  MODELS: KVNamespace;
  TINY_ONNX: ArrayBuffer;
  TINY_JSON: ArrayBuffer;
}

describe('models', () => {
  it('lists and describes the bundled default model', async () => {
    const list = await (await call('/v1/models')).json<{ models: { id: string }[] }>();
    expect(list.models.map((m) => m.id)).toContain('default');
    const model = await (await call('/v1/models/default')).json<Record<string, unknown>>();
    expect(model).toMatchObject({ id: 'default', default: true, classes: 10, input: { width: 128, height: 128 } });
    expect(model.methods).toEqual(expect.arrayContaining(['gradcam', 'scorecam']));
  });

  it('loads a prepared model stored in KV by id, with a chosen layer and a class by label', async () => {
    const e = env as unknown as TestEnv;
    await e.MODELS.put('tiny.onnx', e.TINY_ONNX);
    await e.MODELS.put('tiny.json', e.TINY_JSON);
    const model = await (await call('/v1/models/tiny')).json<{ layers: { name: string; default: boolean }[] }>();
    expect(model.layers).toEqual([
      { name: 'relu1', shape: ['N', 8, 32, 32], default: false },
      { name: 'relu2', shape: ['N', 16, 16, 16], default: true },
    ]);
    const res = await call('/v1/explain?model=tiny&layer=relu1&class=star&output=json', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: testPng(64, 64, 9),
    });
    expect(res.status).toBe(200);
    const json = await res.json<{ class: { index: number; label: string }; map: { shape: number[] } }>();
    expect(json.class).toMatchObject({ index: 3, label: 'star' });
    expect(json.map.shape).toEqual([32, 32]);
    const png = await call('/v1/explain?model=tiny', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: testPng(20, 30, 9),
    });
    expect((await decodePng(png)).width).toBe(20);
  });

  it('refuses a stored model whose ONNX file does not match the manifest sha256 (503, nothing cached)', async () => {
    const e = env as unknown as TestEnv;
    const manifest = JSON.parse(new TextDecoder().decode(e.TINY_JSON));
    await e.MODELS.put('stale.onnx', e.TINY_ONNX);
    await e.MODELS.put('stale.json', JSON.stringify({ ...manifest, sha256: '0'.repeat(64) }));
    const res = await call('/v1/explain?model=stale', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: testPng(20, 20, 10),
    });
    expect(res.status).toBe(503);
    expect((await res.json<{ code: string }>()).code).toBe('model_unavailable');
  });

  it('reports health with the WASM memory under 128 MB', async () => {
    await call('/v1/classify', { method: 'POST', headers: { 'content-type': 'image/png' }, body: testPng(30, 30, 11) });
    const health = await (await call('/healthz')).json<{ status: string; wasmMemoryBytes: number; sessions: number }>();
    expect(health.status).toBe('ok');
    expect(health.sessions).toBeGreaterThanOrEqual(1);
    expect(health.wasmMemoryBytes).toBeGreaterThan(0);
    expect(health.wasmMemoryBytes).toBeLessThan(128 * 1024 * 1024);
  });

  it('classifies (forward only) with top-k', async () => {
    const res = await call('/v1/classify?top=3', { method: 'POST', headers: { 'content-type': 'image/png' }, body: testPng(30, 30, 12) });
    const json = await res.json<{ top: { index: number; probability: number }[]; logits: number[] }>();
    expect(json.top).toHaveLength(3);
    expect(json.logits).toHaveLength(10);
    expect(json.top[0].probability).toBeGreaterThanOrEqual(json.top[1].probability);
  });

  it('generates an OpenAPI 3.1 document from the routes', async () => {
    const doc = await (await call('/openapi.json')).json<{
      openapi: string;
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
    }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/healthz',
        '/v1/classify',
        '/v1/explain',
        '/v1/explanations/{file}',
        '/v1/explanations/{id}/badge.svg',
        '/v1/models',
        '/v1/models/{id}',
      ].sort(),
    );
    expect(doc.paths['/v1/explain'].post.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['model', 'class', 'method', 'layer', 'output', 'colormap', 'alpha', 'width', 'height']),
    );
  });
});
