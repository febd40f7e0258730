/**
 * The explain options (targets, layers, augmentation, metrics, pixel-level methods) through the whole app in Node (models/default-fp32.onnx prepared with a mid
 * layer and input gradients, setup.ts), each against an oracle computed here from the prepared model's raw
 * outputs or from forward passes only:
 * - saliency against central finite differences of the logit; smoothgrad against per-copy input gradients;
 *   guided-gradcam against the model's guided gradient times the scaled Grad-CAM map;
 * - top=k, counterfactual and versus against a Grad-CAM computed here from A and G of single-seed runs
 *   (w = spatial mean of G; ReLU(sum w A)), and top=k's maps against k single requests;
 * - several layers and aug=flip against single-layer and mirrored-image requests;
 * - metrics: drop against a forward pass of the image multiplied by the map, ranges, and run counts.
 */
import { decode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { noisyCopies } from '../../src/cam/smooth-grad-cam-plus-plus.js';
import { batchLimit, MAX_BATCH_INPUT_GRADIENTS } from '../../src/explain/model-feed.js';
import { METRIC_STEPS } from '../../src/explain/metrics.js';
import { decodeImage, preprocess, preprocessSpecOf, unitMap, type FloatMap } from '../../src/image/index.js';
import { minMaxScale } from '../../src/image/render/normalize.js';
import { resizeBilinear } from '../../src/image/render/upsample.js';
import type { LayerSpec, Manifest } from '../../src/manifest.js';
import type { ModelSession, RunTensor } from '../../src/runtime/runner.js';
import type { Harness } from '../hardening/app-harness.js';
import { discPng, MID_LAYER, mirroredPng, preparedHarness } from './setup.js';
import { decodeRgb } from '../png-pixels.js';

interface Json {
  id: string;
  class: { index: number };
  map: { shape: [number, number]; data: number[] };
  explanations?: { class: { index: number }; map: { data: number[] } }[];
  metrics?: Record<string, number>;
  runs: number;
}

let h: Harness;
let manifest: Manifest;
let session: ModelSession;
let deep: LayerSpec;
let input: LayerSpec;
const K = 10;
const SIZE = 128;
const body = discPng(3);

beforeAll(async () => {
  const p = await preparedHarness();
  ({ h, manifest } = p);
  session = await nodeRunner().createSession(p.model);
  deep = manifest.layers.find((l) => l.default)!;
  input = manifest.layers.find((l) => l.input)!;
}, 60_000);

async function post(query: string, png = body): Promise<Response> {
  return h.request(`/v1/explain?${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
}

async function json(query: string, png = body): Promise<Json> {
  const res = await post(`${query}&output=json`, png);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json() as Promise<Json>;
}

/** The model input of a 128 x 128 PNG (stretch to the same size is the identity; mean 0.5, std 0.25). */
function tensorOf(png: Uint8Array): Float32Array {
  const img = decode(png);
  const out = new Float32Array(3 * SIZE * SIZE);
  for (let i = 0; i < SIZE * SIZE; i++) for (let c = 0; c < 3; c++) out[c * SIZE * SIZE + i] = (img.data[i * 3 + c]! / 255 - 0.5) / 0.25;
  return out;
}

function seedRow(entries: Record<number, number>): RunTensor {
  const data = new Float32Array(K);
  for (const [k, v] of Object.entries(entries)) data[Number(k)] = v;
  return { type: 'float32', dims: [1, K], data };
}

const zeros = (rows: number): RunTensor => ({ type: 'float32', dims: [rows, K], data: new Float32Array(rows * K) });

async function direct(x: Float32Array, seeds: Record<string, RunTensor>, fetches: string[]): Promise<Record<string, Float32Array>> {
  const feeds: Record<string, RunTensor> = { input: { type: 'float32', dims: [x.length / (3 * SIZE * SIZE), 3, SIZE, SIZE], data: x } };
  for (const s of [manifest.seed.name, input.seed!, input.guidedSeed!]) feeds[s] = seeds[s] ?? zeros(s === manifest.seed.name ? 1 : 0);
  if (manifest.seed.select) feeds[manifest.seed.select.topK] = { type: 'int64', dims: [1], data: new BigInt64Array(1) }; // seeds as fed
  const out = await session.run(feeds, fetches);
  return Object.fromEntries(fetches.map((f) => [f, out[f]!.data as Float32Array]));
}

const logitsOf = async (x: Float32Array) => (await direct(x, {}, [manifest.logits.name]))[manifest.logits.name]!;

/** Grad-CAM before ReLU from A and G (C x h x w): sum_c mean(G_c) A_c. */
function gradCamPre(a: Float32Array, g: Float32Array, plane: number): Float64Array {
  const out = new Float64Array(plane);
  for (let c = 0; c < a.length / plane; c++) {
    let w = 0;
    for (let i = 0; i < plane; i++) w += g[c * plane + i]!;
    w /= plane;
    for (let i = 0; i < plane; i++) out[i] += w * a[c * plane + i]!;
  }
  return out;
}

async function preFor(seed: Record<number, number>, layer = deep): Promise<Float64Array> {
  const out = await direct(tensorOf(body), { [manifest.seed.name]: seedRow(seed) }, [layer.activation, layer.gradient]);
  return gradCamPre(out[layer.activation]!, out[layer.gradient]!, Number(layer.shape[2]) * Number(layer.shape[3]));
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  let err = 0;
  for (let i = 0; i < expected.length; i++) err = Math.max(err, Math.abs(actual[i]! - expected[i]!));
  expect(err / (scale || 1), what).toBeLessThanOrEqual(rel);
}

const relu = (xs: Float64Array) => Array.from(xs, (v) => Math.max(v, 0));
const mapOf = (j: Json): FloatMap => ({ width: j.map.shape[1], height: j.map.shape[0], data: Float32Array.from(j.map.data) });

describe('targets', () => {
  it('top=3: the three most probable classes from one run, each map as its own request gives it', async () => {
    const logits = await logitsOf(tensorOf(body));
    const order = [...logits.keys()].sort((a, b) => logits[b]! - logits[a]!).slice(0, 3);
    const top = await json('top=3');
    expect(top.runs).toBe(1);
    expect(top.explanations!.map((e) => e.class.index)).toEqual(order);
    for (const [i, c] of order.entries()) {
      expectClose(top.explanations![i]!.map.data, relu(await preFor({ [c]: 1 })), 1e-4, `class ${c}`);
      expectClose(top.explanations![i]!.map.data, (await json(`class=${c}`)).map.data, 1e-6, `single request ${c}`);
    }
  });

  it('counterfactual is ReLU(-pre), versus is ReLU(pre_a - pre_b)', async () => {
    const c = (await json('')).class.index;
    expectClose((await json('counterfactual=true')).map.data, relu(await preFor({ [c]: -1 })), 1e-4, 'counterfactual');
    const pa = await preFor({ [c]: 1 });
    const other = (c + 1) % K;
    const pb = await preFor({ [other]: 1 });
    const versus = await json(`class=${c}&versus=${other}`);
    expectClose(versus.map.data, relu(pa.map((v, i) => v - pb[i]!)), 1e-4, 'versus');
    expect(versus.runs).toBe(1);
  });

  it('a PNG for top=3 is three panels side by side, each the single-class PNG', async () => {
    const res = await post('top=3&width=40&output=heatmap');
    const classes = res.headers.get('x-explanation-classes')!.split(',').map(Number);
    const strip = decodeRgb(new Uint8Array(await res.arrayBuffer()));
    expect([strip.width, strip.height, classes.length]).toEqual([120, 40, 3]);
    for (const [p, c] of classes.entries()) {
      const one = decodeRgb(new Uint8Array(await (await post(`class=${c}&width=40&output=heatmap`)).arrayBuffer()));
      for (let y = 0; y < 40; y += 7) {
        const row = (img: typeof one, x0: number, w: number) => Array.from(img.data.subarray((y * w + x0) * 3, (y * w + x0 + 40) * 3));
        expect(row(strip, p * 40, 120), `panel ${p} row ${y}`).toEqual(row(one, 0, 40));
      }
    }
  });

  it('rejects inconsistent targets with 400 bad_option', async () => {
    for (const q of [
      'class=0&top=2',
      'counterfactual=true&versus=1',
      'class=2&versus=2',
      'method=scorecam&counterfactual=1',
      'top=11',
      'metrics=foo',
      'metrics=drop,',
    ]) {
      const res = await post(q);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { code: string }).code, q).toBe('bad_option');
    }
  });
});

describe('pixel-level methods', () => {
  it('saliency is max_c |dS/dx| (central finite differences at the most salient pixels)', async () => {
    const x = tensorOf(body);
    const sal = await json('method=saliency');
    const c = sal.class.index;
    expect(sal.map.shape).toEqual([SIZE, SIZE]);
    const ranked = [...sal.map.data.keys()].sort((a, b) => sal.map.data[b]! - sal.map.data[a]!).slice(0, 4);
    // A small step: the trained model's ReLU6 kinks lie close together, and a central difference whose
    // +-h straddles one measures a mix of two slopes (h = 0.02 did so at one of these pixels, 7 % off).
    const h = 0.002;
    for (const p of ranked) {
      let best = 0;
      for (let ch = 0; ch < 3; ch++) {
        const plus = x.slice(),
          minus = x.slice();
        plus[ch * SIZE * SIZE + p]! += h;
        minus[ch * SIZE * SIZE + p]! -= h;
        best = Math.max(best, Math.abs(((await logitsOf(plus))[c]! - (await logitsOf(minus))[c]!) / (2 * h)));
      }
      expect(Math.abs(sal.map.data[p]! - best) / best, `pixel ${p}`).toBeLessThan(0.05);
    }
  });

  it('smoothgrad is the mean saliency of the noisy copies, in 1 + ceil(n / batch limit) runs', async () => {
    const n = 5;
    const sg = await json(`method=smoothgrad&n=${n}&sigma=0.2`);
    expect(batchLimit(manifest)).toBe(MAX_BATCH_INPUT_GRADIENTS); // the model has input gradients
    expect(sg.runs).toBe(1 + Math.ceil(n / MAX_BATCH_INPUT_GRADIENTS));
    // The copies start from the app's own input tensor: tensorOf's normalisation rounds differently from the
    // app's (<= 1 ulp on 29,563 of 49,152 values), and through the trained model's backward pass to the
    // pixels that alone moves the gradients by ~1.4e-4 of their maximum, more than the tolerance. The
    // preprocessing itself is checked against torchvision in test/image; what is tested here is the noise,
    // the batched gradient run and the averaging. The n copies run as one batch, as in the app.
    const decoded = await decodeImage(body, { maxPixels: SIZE * SIZE, contentType: 'image/png' });
    const copies = noisyCopies(preprocess(decoded, preprocessSpecOf(manifest.input)).data, n, 0.2);
    const plane = SIZE * SIZE;
    const expected = new Float64Array(plane);
    const oneHot = seedRow({ [sg.class.index]: 1 }).data as Float32Array;
    const seeds: RunTensor = { type: 'float32', dims: [n, K], data: Float32Array.from({ length: n * K }, (_, i) => oneHot[i % K]!) };
    const all = (await direct(copies, { [manifest.seed.name]: zeros(n), [input.seed!]: seeds }, [input.gradient]))[input.gradient]!;
    for (let k = 0; k < n; k++) {
      const g = all.subarray(k * 3 * plane, (k + 1) * 3 * plane);
      for (let i = 0; i < plane; i++) expected[i] += Math.max(Math.abs(g[i]!), Math.abs(g[plane + i]!), Math.abs(g[2 * plane + i]!)) / n;
    }
    expectClose(sg.map.data, expected, 1e-4, 'smoothgrad');
  });

  it('guided-gradcam is the scaled, upsampled Grad-CAM times max_c |guided gradient|', async () => {
    const gg = await json('method=guided-gradcam');
    const cam = unitMap([mapOf(await json(`class=${gg.class.index}`))], SIZE, SIZE).data;
    const out = await direct(tensorOf(body), { [input.guidedSeed!]: seedRow({ [gg.class.index]: 1 }) }, [input.guidedGradient!]);
    const g = out[input.guidedGradient!]!;
    const plane = SIZE * SIZE;
    const expected = Array.from(cam, (v, i) => v * Math.max(Math.abs(g[i]!), Math.abs(g[plane + i]!), Math.abs(g[2 * plane + i]!)));
    expectClose(gg.map.data, expected, 1e-5, 'guided-gradcam');
    expect(gg.runs).toBe(1); // the model chooses the top-1 class itself (seed.select): no forward run first
  });
});

describe('layers and augmentation', () => {
  it('combine=mean and combine=product of the single-layer maps', async () => {
    const q = `layer=${encodeURIComponent(MID_LAYER)}&layer=${encodeURIComponent(deep.name)}`;
    const one = [
      mapOf(await json(`layer=${encodeURIComponent(MID_LAYER)}&class=0`)),
      mapOf(await json(`layer=${encodeURIComponent(deep.name)}&class=0`)),
    ];
    expectClose((await json(`${q}&class=0`)).map.data, unitMap(one, SIZE, SIZE).data, 1e-6, 'mean');
    const product = new Float32Array(SIZE * SIZE).fill(1);
    for (const m of one) resizeBilinear(minMaxScale(m), SIZE, SIZE).data.forEach((v, i) => (product[i]! *= Math.max(v, 0)));
    expectClose(
      (await json(`${q}&class=0&combine=product`)).map.data,
      minMaxScale({ width: SIZE, height: SIZE, data: product }).data,
      1e-6,
      'product',
    );
  });

  it('a multipart form may repeat layer too', async () => {
    const form = new FormData();
    form.append('file', new Blob([body], { type: 'image/png' }), 'x.png');
    for (const [k, v] of [
      ['layer', MID_LAYER],
      ['layer', deep.name],
      ['output', 'json'],
      ['class', '0'],
    ])
      form.append(k!, v!);
    const res = await h.request('/v1/explain', { method: 'POST', body: form });
    expect(res.status, await res.clone().text()).toBe(200);
    const viaQuery = await json(`layer=${encodeURIComponent(MID_LAYER)}&layer=${encodeURIComponent(deep.name)}&class=0`);
    expect(((await res.json()) as Json).map.data).toEqual(viaQuery.map.data);
  });

  it("aug=flip averages the map with the mirrored image's map mirrored back", async () => {
    const flip = await json('aug=flip&class=0');
    expect(flip.runs).toBe(2);
    const a = minMaxScale(mapOf(await json('class=0'))).data;
    const m = mapOf(await json('class=0', mirroredPng(3)));
    const b = minMaxScale(m).data;
    const expected = Array.from(a, (v, i) => {
      const y = Math.floor(i / m.width),
        x = i % m.width;
      return (v + b[y * m.width + m.width - 1 - x]!) / 2;
    });
    expectClose(flip.map.data, expected, 1e-6, 'flip');
  });
});

describe('metrics', () => {
  it('drop against a forward pass of the image times the map; AUCs in [0, 1]; one batch per metric family', async () => {
    const r = await json('metrics=drop,increase,deletion,insertion');
    const base = await json('');
    // drop and increase: one run; deletion and insertion: METRIC_STEPS + 1 images each, in batches
    expect(r.runs).toBe(base.runs + 1 + 2 * Math.ceil((METRIC_STEPS + 1) / batchLimit(manifest)));
    const m = r.metrics!;
    expect(Object.keys(m).sort()).toEqual(['deletion', 'drop', 'increase', 'insertion']);
    for (const k of ['deletion', 'insertion']) expect(m[k]).toBeGreaterThanOrEqual(0), expect(m[k]).toBeLessThanOrEqual(1);
    const unit = unitMap([mapOf(r)], SIZE, SIZE).data;
    const img = decode(body);
    const explained = new Float32Array(3 * SIZE * SIZE);
    for (let i = 0; i < SIZE * SIZE; i++)
      for (let c = 0; c < 3; c++) explained[c * SIZE * SIZE + i] = ((unit[i]! * img.data[i * 3 + c]!) / 255 - 0.5) / 0.25;
    const softmax = (l: Float32Array) => {
      const e = Array.from(l, (v) => Math.exp(v - Math.max(...l)));
      const s = e.reduce((a, b) => a + b);
      return e.map((v) => v / s);
    };
    const c = r.class.index;
    const y = softmax(await logitsOf(tensorOf(body)))[c]!,
      o = softmax(await logitsOf(explained))[c]!;
    expect(m.drop).toBeCloseTo((100 * Math.max(0, y - o)) / y, 3);
    expect(m.increase).toBe(o > y ? 100 : 0);
    const runs = async (q: string) => {
      const before = h.registry.runs;
      await json(`${q}&class=1`);
      return h.registry.runs - before;
    };
    const curve = Math.ceil((METRIC_STEPS + 1) / batchLimit(manifest)); // runs of one deletion or insertion curve
    expect(await runs('metrics=drop,increase')).toBe(2);
    expect(await runs('metrics=deletion')).toBe(1 + curve);
    expect(await runs('metrics=deletion,insertion')).toBe(1 + 2 * curve);
  });

  it('PNG output carries the metrics in a header', async () => {
    const res = await post('metrics=deletion&width=32');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-explanation-metrics')).toMatch(/^deletion=0\.\d+$/);
  });
});

describe('cache ids', () => {
  it('default extra options keep the id; every option changes it', async () => {
    const id = async (q: string) => (await json(q)).id;
    const plain = await id('');
    const other = ((await json('')).class.index + 1) % K;
    for (const q of ['top=1', 'counterfactual=false', 'combine=mean', 'aug=none']) expect(await id(q), q).toBe(plain);
    const others = await Promise.all(
      [
        'top=2',
        'counterfactual=true',
        `versus=${other}`,
        'aug=flip',
        'metrics=drop',
        'method=saliency',
        'method=smoothgrad&n=3',
        'method=smoothgrad&n=4',
        `layer=${encodeURIComponent(MID_LAYER)}&layer=${encodeURIComponent(deep.name)}`,
        `layer=${encodeURIComponent(MID_LAYER)}&layer=${encodeURIComponent(deep.name)}&combine=product`,
      ].map(id),
    );
    expect(new Set([plain, ...others]).size).toBe(others.length + 1);
  });
});
