/**
 * Gradients down to the pixels against PyTorch autograd (tools/make_input_gradient_fixtures.py, float64):
 * `prepare(..., { inputGradients: true })` adds the image input as a layer with a plain gradient dS/dx and
 * a Guided Backprop gradient (ReLU/ReLU6 pass back only positive gradients), each behind its own seed input.
 * The run feeds both seeds as S = 2 rows (top-1 one-hot and a dense seed) and the shared seed empty [0, K],
 * the way the service skips backward graphs it does not need.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { decodeModel, encodeModel, onnx } from '../../src/onnx/proto.js';
import { prepare } from '../../src/prepare/index.js';
import { seedInputs } from '../../src/manifest.js';
import type { RunTensor } from '../../src/runtime/runner.js';
import { listFixtures, readF32, readModel } from './support/fixtures.js';
import { relL2 } from './support/finite-diff.js';
import { ownSeedFeeds } from '../../src/explain/model-feed.js';

const TOLERANCE = 1e-4;
const runner = nodeRunner();

interface InputGradients {
  input: string;
  seeds: { seed: string; plain: { file: string }; guided: { file: string } }[];
}

/** The model with a symbolic batch on its image input (the fixtures export batch 1). */
function batchedInput(bytes: Uint8Array, input: string): Uint8Array {
  const model = decodeModel(bytes);
  const dims = model.graph!.input.find((v) => v.name === input)!.type!.tensorType!.shape!.dim!;
  dims[0] = onnx.TensorShapeProto.Dimension.create({ dimParam: 'N' });
  model.graph!.valueInfo = [];
  return encodeModel(model);
}

const fixtures = listFixtures()
  .filter((f) => existsSync(join(f.dir, 'input-gradients.json')))
  .map((f) => ({ f, ig: JSON.parse(readFileSync(join(f.dir, 'input-gradients.json'), 'utf8')) as InputGradients }));

describe('input gradients (plain and guided) vs PyTorch autograd', () => {
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(2));

  it.each(fixtures.map((x) => [x.f.name, x] as const))('%s', async (_name, { f, ig }) => {
    const { model, manifest } = await prepare(readModel(f), { inputGradients: true }, runner);
    const input = manifest.layers.find((l) => l.input)!;
    expect(input).toMatchObject({ name: ig.input, default: false, seed: 'gradcam_seed:input', guidedGradient: 'gradcam_GG:input' });
    expect(seedInputs(manifest)).toEqual(['gradcam_seed', 'gradcam_seed:input', 'gradcam_seed:guided:input']);
    const k = f.logits.shape[1]!;
    const seeds = ig.seeds.map((s) => readF32(f, s.seed));
    const twoRows: RunTensor = { type: 'float32', dims: [2, k], data: Float32Array.from(seeds.flatMap((s) => [...s])) };
    const session = await runner.createSession(model);
    const out = await session.run({
      ...ownSeedFeeds(manifest), // k = 0: the seeds are used as fed
      [f.input.name]: { type: 'float32', dims: f.input.shape, data: readF32(f, f.input.file) },
      gradcam_seed: { type: 'float32', dims: [0, k], data: new Float32Array(0) },
      [input.seed!]: twoRows,
      [input.guidedSeed!]: twoRows,
    });
    await session.release();
    const plain = out[input.gradient]!.data as Float32Array;
    const guided = out[input.guidedGradient!]!.data as Float32Array;
    const per = plain.length / 2;
    ig.seeds.forEach((s, i) => {
      const wantPlain = readF32(f, s.plain.file);
      const wantGuided = readF32(f, s.guided.file);
      expect(relL2(plain.subarray(i * per, (i + 1) * per), wantPlain), `${f.name} plain ${i}`).toBeLessThanOrEqual(TOLERANCE);
      expect(relL2(guided.subarray(i * per, (i + 1) * per), wantGuided), `${f.name} guided ${i}`).toBeLessThanOrEqual(TOLERANCE);
      // The guided map really differs from the plain one (the oracle is not vacuous).
      expect(relL2(wantGuided, wantPlain)).toBeGreaterThan(0.1);
    });
    expect(out[manifest.layers.find((l) => l.default)!.gradient]!.dims[0]).toBe(0);
  });

  it('skips the gated input backward graphs on a batch of images (N = 2, empty input seeds)', async () => {
    const { f } = fixtures.find((x) => x.f.name === 'mobilenet_v2')!;
    const { model, manifest } = await prepare(batchedInput(readModel(f), f.input.name), { inputGradients: true }, runner);
    const k = f.logits.shape[1]!;
    const image = readF32(f, f.input.file);
    const two = new Float32Array(image.length * 2);
    two.set(image);
    two.set(image, image.length);
    const session = await runner.createSession(model);
    const empty: RunTensor = { type: 'float32', dims: [0, k], data: new Float32Array(0) };
    const out = await session.run({
      ...ownSeedFeeds(manifest), // k = 0: the seeds are used as fed
      [f.input.name]: { type: 'float32', dims: [2, ...f.input.shape.slice(1)], data: two },
      gradcam_seed: { type: 'float32', dims: [2, k], data: new Float32Array(2 * k).fill(1) },
      'gradcam_seed:input': empty,
      'gradcam_seed:guided:input': empty,
    });
    await session.release();
    const input = manifest.layers.find((l) => l.input)!;
    expect(out[input.gradient]!.dims).toEqual([0, ...f.input.shape.slice(1)]);
    expect(out[input.guidedGradient!]!.dims[0]).toBe(0);
    expect(out[manifest.layers.find((l) => l.default)!.gradient]!.dims[0]).toBe(2);
  });

  it('--layer <input> gives the plain gradient only; --guided needs the input among the layers', async () => {
    const { f } = fixtures[0]!;
    const plainOnly = await prepare(readModel(f), { layers: ['layer_default', f.input.name] }, runner);
    expect(plainOnly.manifest.layers.map((l) => [l.name, !!l.input, l.seed ?? null, l.guidedGradient ?? null, !!l.default])).toEqual([
      ['layer_default', false, null, null, true],
      [f.input.name, true, 'gradcam_seed:input', null, false],
    ]);
    await expect(prepare(readModel(f), { guided: true }, runner)).rejects.toThrow(/--guided needs the image input/);
    const guided = await prepare(readModel(f), { layers: [f.input.name], guided: true }, runner);
    expect(guided.manifest.layers[0]).toMatchObject({ input: true, default: true, guidedSeed: 'gradcam_seed:guided:input' });
  });
});
