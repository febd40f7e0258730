/**
 * The bundled vision transformer `scenes-vit` through the real Worker in workerd: a generated scene explained
 * with Grad-CAM (its default layer is the last block's ln_1, tokens 1+8x8) and with the attention methods,
 * each answering a map on the 8 x 8 patch grid, and the isolate's WASM memory staying under 128 MB.
 */
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { renderScene } from '../../src/scenes/index.js';
import { call } from './helpers.js';

interface MapBody {
  method: string;
  model: string;
  map: { shape: number[]; data: number[] };
}

/** A 128 px single-object scene from the benchmark's seed range (not a training or validation scene). */
function scenePng(seed: number, classIndex: number): Uint8Array {
  const scene = renderScene({ seed, size: 128, kind: 'single', classes: [classIndex] });
  return encode({ width: 128, height: 128, data: scene.image, channels: 3, depth: 8 });
}

const explain = (body: Uint8Array, query: string) =>
  call(`/v1/explain?model=scenes-vit&output=json&${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body });

async function mapOf(body: Uint8Array, query: string): Promise<MapBody> {
  const res = await explain(body, query);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<MapBody>();
}

function expectGridMap(json: MapBody, method: string): void {
  expect(json.method).toBe(method);
  expect(json.map.shape).toEqual([8, 8]);
  expect(json.map.data).toHaveLength(64);
  expect(
    json.map.data.findIndex((v) => !(Number.isFinite(v) && v >= 0)),
    'first negative or non-finite value',
  ).toBe(-1);
  expect(Math.max(...json.map.data), 'a map that is not constant').toBeGreaterThan(Math.min(...json.map.data));
}

describe('the bundled scenes-vit model in workerd', () => {
  const star = scenePng(3_900_003, 3);

  it('lists the model with its default layer, the last block ln_1, on the 8 x 8 grid', async () => {
    const res = await call('/v1/models/scenes-vit');
    expect(res.status).toBe(200);
    const model = await res.json<{ layers: { name: string; default: boolean; shape: unknown[] }[] }>();
    const layer = model.layers.find((l) => l.default)!;
    expect(layer.name).toMatch(/encoder_layer_\d+\/ln_1\//);
    expect(layer.shape.slice(2)).toEqual([8, 8]);
  });

  it('answers grad-cam with a map on the 8 x 8 patch grid, for the top class and a named one', async () => {
    const top = await mapOf(star, 'method=gradcam');
    expectGridMap(top, 'gradcam');
    expectGridMap(await mapOf(star, 'method=gradcam&class=star'), 'gradcam');
  });

  it('answers rollout with the class token row of a product of row-stochastic matrices, the same for every class', async () => {
    const a = await mapOf(star, 'method=rollout&class=0');
    expectGridMap(a, 'rollout');
    // The class token's row sums to 1 over all 65 tokens; the 64 patch entries hold all of it but the class token's own share.
    const sum = a.map.data.reduce((s, v) => s + v, 0);
    expect(sum).toBeGreaterThan(0.05);
    expect(sum).toBeLessThan(1);
    const b = await mapOf(star, 'method=rollout&class=1');
    expect(b.map.data).toEqual(a.map.data);
  });

  it('answers attention-gradcam with a class-specific map on the grid', async () => {
    const a = await mapOf(star, 'method=attention-gradcam&class=star');
    expectGridMap(a, 'attention-gradcam');
    const b = await mapOf(star, 'method=attention-gradcam&class=disc');
    expect(b.map.shape).toEqual([8, 8]);
    expect(b.map.data).not.toEqual(a.map.data);
  });

  it('renders a PNG overlay of the image size', async () => {
    const res = await call('/v1/explain?model=scenes-vit&method=rollout&width=64', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: scenePng(3_900_010, 0),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-explanation-method')).toBe('rollout');
    await res.arrayBuffer();
  });

  it('keeps the WASM memory under 128 MB with the model loaded', async () => {
    await (await explain(scenePng(3_900_020, 5), 'method=attention-gradcam')).arrayBuffer();
    const health = await (await call('/healthz')).json<{ wasmMemoryBytes: number; sessions: number }>();
    expect(health.sessions).toBeGreaterThanOrEqual(1);
    expect(health.wasmMemoryBytes).toBeLessThan(128 * 1024 * 1024);
  });
});
