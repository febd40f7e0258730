/**
 * The gradient compiler on whole models against PyTorch autograd (float64 references from
 * tools/make_fixtures.py): for every committed fixture, prepare all its layers, run in onnxruntime-web
 * and compare logits, A and G (relative L2 <= 1e-4). Both batch modes of the contract run:
 * one image with the two seeds as S = 2 rows (top-k), and the image twice with row-aligned seeds
 * (SmoothGrad batches; needs the model to accept batch 2).
 */
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, onnx, type ModelProto } from '../../src/onnx/proto.js';
import { probeShapes } from '../../src/onnx/shapes.js';
import { addGradientGraph } from '../../src/gradients/graph.js';
import { nodeRunner } from '../../cli/ort-node.js';
import type { RunTensor } from '../../src/runtime/runner.js';
import { listFixtures, readF32, readModel, type Fixture } from './support/fixtures.js';
import { relL2 } from './support/finite-diff.js';

const TOLERANCE = 1e-4;
const runner = nodeRunner();
const fixtures = listFixtures();

/** The model with a symbolic batch on its image input (the prepare tool does the same). */
function withBatchInput(model: ModelProto, input: string): ModelProto {
  for (const v of model.graph!.input) {
    if (v.name !== input) continue;
    const dim = v.type!.tensorType!.shape!.dim!;
    dim[0] = onnx.TensorShapeProto.Dimension.create({ dimParam: 'N' });
  }
  model.graph!.valueInfo = [];
  return model;
}

function tile(data: Float32Array, times: number): Float32Array {
  const out = new Float32Array(data.length * times);
  for (let i = 0; i < times; i++) out.set(data, i * data.length);
  return out;
}

/** Whether the original model runs at batch 2 (exports may bake batch 1 into Reshape targets). */
async function acceptsBatch2(f: Fixture): Promise<boolean> {
  const session = await runner.createSession(encodeModel(withBatchInput(decodeModel(readModel(f)), f.input.name)));
  try {
    await session.run({
      [f.input.name]: { type: 'float32', dims: [2, ...f.input.shape.slice(1)], data: tile(readF32(f, f.input.file), 2) },
    });
    return true;
  } catch {
    return false;
  } finally {
    await session.release();
  }
}

async function prepare(f: Fixture) {
  const model = withBatchInput(decodeModel(readModel(f)), f.input.name);
  const shapes = await probeShapes(model, runner);
  const prepared = addGradientGraph(model, shapes, { logits: f.logits.name, layers: f.layers.map((l) => l.tensor) });
  return { shapes, ...prepared };
}

describe.runIf(fixtures.length > 0)('gradient graph vs PyTorch autograd', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, f) => {
    const { model, layers } = await prepare(f);
    const session = await runner.createSession(encodeModel(model));
    const image = readF32(f, f.input.file);
    const seeds = f.seeds.map((s) => readF32(f, s.file));
    const k = f.logits.shape[1]!;
    const seed: RunTensor = { type: 'float32', dims: [seeds.length, k], data: Float32Array.from(seeds.flatMap((s) => [...s])) };
    const errors: Record<string, number> = {};
    const modes = [{ label: 'N=1,S=2', batch: 1 }];
    if (await acceptsBatch2(f)) modes.push({ label: 'N=2,S=2', batch: 2 });
    else console.warn(`${f.name}: the exported forward has batch 1 baked in (e.g. a Reshape target); row-aligned mode skipped`);
    for (const mode of modes) {
      const out = await session.run({
        [f.input.name]: { type: 'float32', dims: [mode.batch, ...f.input.shape.slice(1)], data: tile(image, mode.batch) },
        gradcam_seed: seed,
      });
      const logits = out[f.logits.name]!.data as Float32Array;
      errors[`${mode.label} logits`] = relL2(logits.subarray(0, k), readF32(f, f.logits.file));
      f.layers.forEach((layer, li) => {
        const prepared = layers[li]!;
        const a = out[prepared.activation]!.data as Float32Array;
        const g = out[prepared.gradient]!.data as Float32Array;
        const per = a.length / mode.batch;
        errors[`${mode.label} ${layer.role} A`] = relL2(a.subarray(0, per), readF32(f, layer.activation));
        layer.gradients.forEach((file, s) => {
          errors[`${mode.label} ${layer.role} G${s}`] = relL2(g.subarray(s * per, (s + 1) * per), readF32(f, file));
        });
      });
    }
    await session.release();
    if (process.env.GRAD_REPORT) console.log(f.name, JSON.stringify(errors));
    for (const [what, err] of Object.entries(errors)) expect(err, `${f.name} ${what}`).toBeLessThanOrEqual(TOLERANCE);
  });
});
