/**
 * The explain options of issue 5 inside workerd: on the bundled default model (targets, flip, metrics; the
 * pixel-level methods too once it is prepared with --input-gradients) and on a prepared fixture with two
 * layers and input gradients (test/fixtures/prepared/mobilenet_v2_input, made by
 * `gradcam-edge prepare test/fixtures/models/mobilenet_v2/model.onnx --layer layer_default --layer layer_mid
 * --input-gradients`). The numbers are checked against oracles in test/explain-options (Node); here: that
 * every option runs in workerd, with the right shapes, headers and run counts.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, decodePng, testPng } from './helpers.js';

interface TestEnv {
  MODELS: KVNamespace;
  INPUT_GRAD_ONNX: ArrayBuffer;
  INPUT_GRAD_JSON: ArrayBuffer;
}

interface Json {
  class: { index: number };
  map: { shape: [number, number]; data: number[] };
  explanations?: { class: { index: number } }[];
  metrics?: Record<string, number>;
  runs: number;
}

const explain = (query: string, body = testPng(48, 40, 7)) =>
  call(`/v1/explain?${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body });

async function json(query: string): Promise<Json> {
  const res = await explain(`${query}&output=json`);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<Json>();
}

/** What is wrong with a JSON map (its size, or its first negative or non-finite value), or null. */
const mapProblem = (j: Json): string | null => {
  if (j.map.data.length !== j.map.shape[0] * j.map.shape[1]) return `${j.map.data.length} values for shape ${j.map.shape}`;
  const i = j.map.data.findIndex((v) => !(Number.isFinite(v) && v >= 0));
  return i < 0 ? null : `value ${j.map.data[i]} at ${i}`;
};

beforeAll(async () => {
  const e = env as unknown as TestEnv;
  await e.MODELS.put('withinput.onnx', e.INPUT_GRAD_ONNX);
  await e.MODELS.put('withinput.json', e.INPUT_GRAD_JSON);
});

describe('explain options on the default model in workerd', () => {
  it('top=5 shares one run; a PNG strip of 5 panels with the classes in a header', async () => {
    const top = await json('top=5');
    expect(top.runs).toBe(1);
    expect(top.explanations).toHaveLength(5);
    const res = await explain('top=5&width=20');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-explanation-classes')!.split(',')).toHaveLength(5);
    const png = await decodePng(res);
    expect([png.width, png.height]).toEqual([100, 17]);
  });

  it('counterfactual, versus, aug=flip and metrics', async () => {
    const c = (await json('')).class.index;
    expect(mapProblem(await json('counterfactual=true'))).toBeNull();
    expect(mapProblem(await json(`class=${c}&versus=${(c + 1) % 10}`))).toBeNull();
    const flip = await json('aug=flip');
    expect(flip.runs).toBe(2);
    expect(mapProblem(flip)).toBeNull();
    const m = await json('metrics=drop,increase,deletion,insertion');
    expect(Object.keys(m.metrics!).sort()).toEqual(['deletion', 'drop', 'increase', 'insertion']);
    const png = await explain('metrics=deletion,insertion&width=16');
    expect(png.headers.get('x-explanation-metrics')).toMatch(/^deletion=[\d.e-]+, insertion=[\d.e-]+$/);
  });

  it('pixel-level methods: available when the default model has input gradients, else 400', async () => {
    const model = await (await call('/v1/models/default')).json<{ methods: string[]; input: { width: number; height: number } }>();
    const res = await explain('method=saliency&output=json');
    if (!model.methods.includes('saliency')) {
      expect(res.status).toBe(400);
      return;
    }
    expect(res.status).toBe(200);
    expect((await res.json<Json>()).map.shape).toEqual([model.input.height, model.input.width]);
    for (const method of ['smoothgrad', 'guided-gradcam']) expect(mapProblem(await json(`method=${method}&n=4`)), method).toBeNull();
  });
});

describe('explain options on a prepared fixture with two layers and input gradients', () => {
  it('saliency, smoothgrad and guided-gradcam at the input size', async () => {
    for (const method of ['saliency', 'smoothgrad', 'guided-gradcam']) {
      const j = await json(`model=withinput&method=${method}&n=3`);
      expect(j.map.shape, method).toEqual([64, 64]);
      expect(mapProblem(j), method).toBeNull();
    }
    const png = await decodePng(await explain('model=withinput&method=guided-gradcam&width=30'));
    expect([png.width, png.height]).toEqual([30, 25]);
  });

  it('two layers combined by mean and product; counterfactual saliency; top=3 with guided-gradcam', async () => {
    for (const combine of ['mean', 'product']) {
      const j = await json(`model=withinput&layer=layer_mid&layer=layer_default&combine=${combine}`);
      expect(j.map.shape, combine).toEqual([64, 64]);
      expect(Math.max(...j.map.data), combine).toBeGreaterThan(0.9);
    }
    expect(mapProblem(await json('model=withinput&method=saliency&counterfactual=true'))).toBeNull();
    const top = await json('model=withinput&method=guided-gradcam&top=3');
    expect(top.explanations).toHaveLength(3);
    expect(top.runs).toBe(2);
  });
});
