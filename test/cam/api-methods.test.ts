/**
 * Every CAM method through the whole app in Node (`method=` on POST /v1/explain, onnxruntime-web), on the
 * prepared fixtures stored as models: tiny (batch dimension N) and mobilenet_v2 (fixed batch of 1, so the
 * extra runs of Score-CAM and Smooth Grad-CAM++ go one image at a time). The maps' values are checked
 * against PyTorch in test/cam/*.test.ts; here: valid JSON and PNG responses, distinct cache ids per method
 * and parameter, and identities that must hold between methods.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { METHOD_NAMES } from '../../src/cam/registry.js';
import { harness } from '../hardening/app-harness.js';

const PREPARED = join(__dirname, '../fixtures/prepared');

function image(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    const inside = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (width / 4) ** 2;
    data.set(inside ? [230, 40, 40] : [(x * 255) / width, (y * 255) / height, 90], i * 3);
  }
  return encode({ width, height, data, channels: 3, depth: 8 });
}

interface ExplainJson {
  id: string;
  method: string;
  class: { index: number };
  map: { shape: number[]; data: number[] };
}

describe.each([['tiny'], ['mobilenet_v2']])('every method through the API on the prepared %s fixture', (model) => {
  const h = harness({ runner: nodeRunner });
  const body = image(80, 60);
  const explain = async (query: string) => {
    const res = await h.request(`/v1/explain?model=${model}&${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body });
    expect(res.status, await res.clone().text()).toBe(200);
    return res;
  };
  const json = async (query: string) => (await (await explain(`output=json&${query}`)).json()) as ExplainJson;

  beforeAll(async () => {
    await h.models.put(`${model}.onnx`, readFileSync(join(PREPARED, `${model}.onnx`)));
    await h.models.put(`${model}.json`, readFileSync(join(PREPARED, `${model}.json`)));
  });

  it.each(METHOD_NAMES.map((m) => [m]))('%s: JSON with a finite, non-negative map, and a PNG', async (method) => {
    const out = await json(`method=${encodeURIComponent(method)}`);
    expect(out.method).toBe(method);
    expect(out.map.data).toHaveLength(out.map.shape[0] * out.map.shape[1]);
    expect(
      out.map.data.findIndex((v) => !(Number.isFinite(v) && v >= 0)),
      'first negative or non-finite value',
    ).toBe(-1);
    const png = await explain(`method=${encodeURIComponent(method)}&width=40`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(png.headers.get('x-explanation-method')).toBe(method);
    expect([...new Uint8Array(await png.arrayBuffer()).subarray(1, 4)]).toEqual([80, 78, 71]);
  });

  it('gives each method and each smoothgradcam++ parameter its own explanation id', async () => {
    const ids = await Promise.all([
      ...METHOD_NAMES.map((m) => json(`method=${encodeURIComponent(m)}`)),
      json('method=smoothgradcam%2B%2B&n=2'),
      json('method=smoothgradcam%2B%2B&sigma=0.3'),
    ]);
    expect(new Set(ids.map((r) => r.id)).size).toBe(ids.length);
  });

  it('smoothgradcam++ with n=1 and sigma=0 is Grad-CAM++', async () => {
    const smooth = await json('method=smoothgradcam%2B%2B&n=1&sigma=0');
    const plain = await json('method=gradcam%2B%2B');
    const scale = Math.max(...plain.map.data);
    smooth.map.data.forEach((v, i) => expect(Math.abs(v - plain.map.data[i])).toBeLessThanOrEqual(1e-6 * scale));
  });

  it('eigencam is class-agnostic; gradcam is not', async () => {
    const [e0, e1, g0, g1] = await Promise.all([
      json('method=eigencam&class=0'),
      json('method=eigencam&class=1'),
      json('method=gradcam&class=0'),
      json('method=gradcam&class=1'),
    ]);
    expect(e1.map.data).toEqual(e0.map.data);
    expect(g1.map.data).not.toEqual(g0.map.data);
  });

  it('rejects n outside 1..16 (one batch) with 400 bad_option', async () => {
    const res = await h.request(`/v1/explain?model=${model}&method=smoothgradcam%2B%2B&n=17`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { option?: string }).option).toBe('n');
  });
});
