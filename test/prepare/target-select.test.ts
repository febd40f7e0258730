/**
 * In-graph target selection: a run that feeds gradcam_top_k = [k] and a [2, K] template must return
 * exactly what a run with the externally built seed rows of the top-k classes returns (same A, same G, same
 * Grad-CAM maps), on a model with K = 40 > 16 classes, for plain, counterfactual and contrastive targets,
 * for the image input's own seeds, and for N images at once; a run that does not feed k must behave as
 * before. Against PyTorch autograd: the top-1 gradient of the committed fixtures.
 */
import { describe, expect, it } from 'vitest';
import { prepare } from '../../src/prepare/index.js';
import { nodeRunner } from '../../cli/ort-node.js';
import { camMethod } from '../../src/cam/registry.js';
import type { ModelSession, RunTensor } from '../../src/runtime/runner.js';
import type { Manifest } from '../../src/manifest.js';
import { randomFloats } from './model-builder.js';
import { K, manyClassModel } from './many-classes.js';
import { listFixtures, readF32, readModel } from '../gradients/support/fixtures.js';
import { relL2 } from '../gradients/support/finite-diff.js';

const runner = nodeRunner();

const f32 = (dims: number[], data: Float32Array): RunTensor => ({ type: 'float32', dims, data });
const topK = (k: number): RunTensor => ({ type: 'int64', dims: [1], data: BigInt64Array.from([BigInt(k)]) });

/** Template rows: weight w on every class, offset row. */
function template(weight: number, offset?: number): RunTensor {
  const t = new Float32Array(2 * K).fill(weight, 0, K);
  if (offset !== undefined) t[K + offset] = -1;
  return f32([2, K], t);
}

/** External seed rows: weight at the class, -1 at `versus`. */
function seedRows(classes: number[], weight: number, versus?: number): RunTensor {
  const t = new Float32Array(classes.length * K);
  classes.forEach((c, i) => {
    t[i * K + c] += weight;
    if (versus !== undefined) t[i * K + versus] -= 1;
  });
  return f32([classes.length, K], t);
}

function ranked(logits: Float32Array): number[] {
  return [...logits.keys()].sort((a, b) => logits[b]! - logits[a]! || a - b);
}

function mapOf(out: Record<string, RunTensor>, a: string, g: string, row: number): Float32Array {
  const [, c, h, w] = out[a]!.dims as number[];
  const per = c! * h! * w!;
  return camMethod('gradcam')!.map({
    activation: (out[a]!.data as Float32Array).subarray(0, per),
    gradient: (out[g]!.data as Float32Array).subarray(row * per, (row + 1) * per),
    channels: c!,
    height: h!,
    width: w!,
  });
}

describe('in-graph target selection, K = 40', async () => {
  const { model, manifest } = await prepare(manyClassModel(), { layers: ['relu2', 'relu1'], inputGradients: true }, runner);
  const session: ModelSession = await runner.createSession(model);
  const image = randomFloats(3 * 16 * 16, 11, 2);
  const input = f32([1, 3, 16, 16], image);
  const layers = manifest.layers;
  const own = layers.find((l) => l.input)!;
  const empty = f32([0, K], new Float32Array(0));
  const fetches = [
    manifest.logits.name,
    manifest.seed.select!.classes,
    ...layers.flatMap((l) => [l.activation, l.gradient, ...(l.guidedGradient ? [l.guidedGradient] : [])]),
  ];
  const run = (feeds: Record<string, RunTensor>) =>
    session.run({ input, [own.seed!]: empty, [own.guidedSeed!]: empty, gradcam_top_k: topK(0), ...feeds }, fetches);
  const base = await run({ gradcam_seed: f32([1, K], new Float32Array(K)) });
  const order = ranked(base.logits!.data as Float32Array);

  it('records the selection in the manifest', () => {
    expect((manifest as Manifest).seed.select).toEqual({ topK: 'gradcam_top_k', classes: 'gradcam_top_classes' });
  });

  const cases = [
    { name: 'top-1', k: 1, weight: 1, versus: undefined },
    { name: 'top-3', k: 3, weight: 1, versus: undefined },
    { name: 'counterfactual top-2', k: 2, weight: -1, versus: undefined },
    { name: 'top-1 rather than class 7', k: 1, weight: 1, versus: 7 },
  ];
  for (const c of cases) {
    it(`${c.name}: same classes, A, G, guided G and maps as the external seed`, async () => {
      const classes = order.slice(0, c.k);
      const rows = seedRows(classes, c.weight, c.versus);
      const tpl = template(c.weight, c.versus);
      const inGraph = await run({ gradcam_seed: tpl, gradcam_top_k: topK(c.k), [own.seed!]: tpl, [own.guidedSeed!]: tpl });
      const external = await run({ gradcam_seed: rows, [own.seed!]: rows, [own.guidedSeed!]: rows });
      expect(Array.from(inGraph.gradcam_top_classes!.data as BigInt64Array, Number)).toEqual(classes);
      expect(external.gradcam_top_classes!.dims).toEqual([0]);
      for (const l of layers) {
        for (const name of [l.activation, l.gradient, ...(l.guidedGradient ? [l.guidedGradient] : [])]) {
          expect(inGraph[name]!.dims, name).toEqual(external[name]!.dims);
          expect(inGraph[name]!.data, name).toEqual(external[name]!.data);
        }
        if (l.input) continue;
        for (let r = 0; r < c.k; r++)
          expect(mapOf(inGraph, l.activation, l.gradient, r)).toEqual(mapOf(external, l.activation, l.gradient, r));
      }
    });
  }

  it('N = 2 images, top-1 each: one row per image, as external rows', async () => {
    const other = randomFloats(3 * 16 * 16, 12, 2);
    const both = f32([2, 3, 16, 16], Float32Array.from([...image, ...other]));
    const probe = await session.run(
      {
        input: both,
        gradcam_seed: f32([2, K], new Float32Array(2 * K)),
        [own.seed!]: empty,
        [own.guidedSeed!]: empty,
        gradcam_top_k: topK(0),
      },
      [manifest.logits.name],
    );
    const l2 = probe.logits!.data as Float32Array;
    const classes = [ranked(l2.subarray(0, K))[0]!, ranked(l2.subarray(K))[0]!];
    const feeds = { input: both, [own.seed!]: empty, [own.guidedSeed!]: empty };
    const inGraph = await session.run(
      { ...feeds, gradcam_seed: template(1), gradcam_top_k: topK(1) },
      fetches.filter((f) => !f.includes('GG:') && f !== own.gradient),
    );
    const external = await session.run(
      { ...feeds, gradcam_seed: seedRows(classes, 1), gradcam_top_k: topK(0) },
      fetches.filter((f) => !f.includes('GG:') && f !== own.gradient),
    );
    expect(Array.from(inGraph.gradcam_top_classes!.data as BigInt64Array, Number)).toEqual(classes);
    for (const l of layers.filter((x) => !x.input)) expect(inGraph[l.gradient]!.data).toEqual(external[l.gradient]!.data);
  });

  it('k = 0: the fed seed rows are used as given', async () => {
    const rows = seedRows([order[5]!, order[0]!], 1);
    const fed = await run({ gradcam_seed: rows, gradcam_top_k: topK(0) });
    const top1 = await run({ gradcam_seed: template(1), gradcam_top_k: topK(1) });
    for (const l of layers.filter((x) => !x.input)) {
      expect(fed[l.gradient]!.dims).toEqual([2, ...(l.shape.slice(1) as number[])]);
      const per = (fed[l.gradient]!.data as Float32Array).length / 2;
      expect((fed[l.gradient]!.data as Float32Array).subarray(per)).toEqual(top1[l.gradient]!.data);
      expect((fed[l.gradient]!.data as Float32Array).subarray(0, per)).not.toEqual(top1[l.gradient]!.data);
    }
  });

  it('an empty own seed still skips its backward graph when k > 0', async () => {
    const out = await run({ gradcam_seed: template(1), gradcam_top_k: topK(1) });
    expect(out[own.gradient]!.dims[0]).toBe(0);
    expect(out[layers[0]!.gradient]!.dims[0]).toBe(1);
  });
});

describe('in-graph top-1 against PyTorch autograd', () => {
  const fixtures = listFixtures()
    .filter((f) => f.seeds[0]?.kind === 'onehot-top1')
    .slice(0, 3);
  it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, f) => {
    const layer = f.layers[0]!;
    const { model, manifest } = await prepare(readModel(f), { layers: [layer.tensor] }, runner);
    const session = await runner.createSession(model);
    const k = f.logits.shape[1]!;
    const tpl = new Float32Array(2 * k).fill(1, 0, k);
    const out = await session.run(
      {
        [f.input.name]: f32(f.input.shape, readF32(f, f.input.file)),
        gradcam_seed: f32([2, k], tpl),
        gradcam_top_k: topK(1),
      },
      [manifest.layers[0]!.gradient],
    );
    await session.release();
    expect(relL2(out[manifest.layers[0]!.gradient]!.data as Float32Array, readF32(f, layer.gradients[0]!))).toBeLessThanOrEqual(1e-4);
  });
});
