/**
 * Every CAM method through `method=` inside workerd, on the bundled default model: a PNG of the asked size
 * and a JSON map of the layer's shape, with the extra batched runs of Score-CAM and Smooth Grad-CAM++
 * counted (X-Debug-Model-Runs).
 */
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../src/cam/registry.js';
import { SCORECAM_MAX_CHANNELS } from '../../src/cam/score-cam.js';
import { MAX_NOISY_COPIES } from '../../src/cam/smooth-grad-cam-plus-plus.js';
import { MAX_BATCH_INPUT_GRADIENTS } from '../../src/explain/model-feed.js';
import { call, decodePng, testPng } from './helpers.js';

const explain = (body: Uint8Array, query: string) =>
  call(`/v1/explain?${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body });

describe('every CAM method on the default model in workerd', () => {
  it.each(METHOD_NAMES.map((m, i) => [m, i]))('%s: PNG and JSON', async (method, i) => {
    const body = testPng(64, 48, 100 + i);
    const q = `method=${encodeURIComponent(method)}`;
    const png = await explain(body, `${q}&width=32`);
    expect(png.status, await png.clone().text()).toBe(200);
    expect(png.headers.get('x-explanation-method')).toBe(method);
    const image = await decodePng(png);
    expect([image.width, image.height]).toEqual([32, 24]);
    const res = await explain(body, `${q}&output=json`);
    expect(res.status).toBe(200);
    const json = await res.json<{ method: string; map: { shape: number[]; data: number[] } }>();
    expect(json.method).toBe(method);
    expect(json.map.data).toHaveLength(json.map.shape[0] * json.map.shape[1]);
    expect(
      json.map.data.findIndex((v) => !(Number.isFinite(v) && v >= 0)),
      'first negative or non-finite value',
    ).toBe(-1);
  });

  it("runs the noisy copies and Score-CAM's masked inputs in batches of the default model's limit (it has input gradients)", async () => {
    const body = testPng(40, 40, 99);
    const counter = async (query: string) => {
      const res = await explain(body, `${query}&output=json`);
      await res.arrayBuffer();
      return Number(res.headers.get('x-debug-model-runs'));
    };
    // the header is the isolate's cumulative count: consecutive differences are each request's runs
    const start = await counter('method=gradcam&class=0');
    const hit = await counter('method=gradcam&class=0&sigma=0.5'); // sigma is not a Grad-CAM parameter: same id, a cache hit
    const gradcam = await counter('method=gradcam&class=1');
    const smooth = await counter(`method=smoothgradcam%2B%2B&class=0&n=${MAX_NOISY_COPIES}`);
    const score = await counter('method=scorecam&class=0');
    expect(hit - start).toBe(0);
    expect(gradcam - hit).toBe(1);
    expect(smooth - gradcam).toBe(1 + Math.ceil(MAX_NOISY_COPIES / MAX_BATCH_INPUT_GRADIENTS));
    expect(score - smooth).toBe(1 + Math.ceil(SCORECAM_MAX_CHANNELS / MAX_BATCH_INPUT_GRADIENTS));
  });
});
