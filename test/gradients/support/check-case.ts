/**
 * @module
 * The one runner of the per-op gradient cases: build the case model, probe its shapes, add the gradient
 * graph, run it with onnxruntime-web, and compare G with central finite differences, in both batch modes
 * of the contract (one image with S = 2 seed rows; N = 2 images with 2 row-aligned seeds).
 */
import { encodeModel } from '../../../src/onnx/proto.js';
import { probeShapes } from '../../../src/onnx/shapes.js';
import { addGradientGraph } from '../../../src/gradients/graph.js';
import type { ModelRunner, ModelSession, RunTensor } from '../../../src/runtime/runner.js';
import { buildModel, prng, xValues, type OpCase, type Precision, type XInput } from './op-case.js';
import { jacobian, relL2, toRun, vjp } from './finite-diff.js';

/** Result of one case: the FD precision used and the worst relative L2 error over layers and modes. */
export interface CaseResult {
  precision: Precision;
  worst: number;
  errors: Record<string, number>;
}

const EPS: Record<Precision, number> = { float64: 1e-5, float32: 1e-2 };

/** Run one case; the caller asserts on the errors. */
export async function checkCase(runner: ModelRunner, c: OpCase): Promise<CaseResult> {
  const rand = prng(hashString(c.name));
  const consts = new Map<string, Float64Array>();
  for (const [name, spec] of Object.entries(c.inputs)) {
    if (!('c' in spec)) continue;
    const [lo, hi] = spec.range ?? [-1, 1];
    const n = spec.c.reduce((a, b) => a * b, 1);
    consts.set(name, Float64Array.from(spec.values ?? Array.from({ length: n }, () => lo + (hi - lo) * rand()), Math.fround));
  }
  const model = buildModel(c, consts, 'float32');
  const shapes = await probeShapes(model, runner);
  const logits = c.logits ?? c.nodes[c.nodes.length - 1]!.outputs[0]!;
  const xs = Object.entries(c.inputs).filter((e): e is [string, XInput] => 'x' in e[1]);
  const layers = c.layers ?? xs.map(([n]) => n);
  const prepared = addGradientGraph(model, shapes, { logits, layers });

  const feeds: Record<string, { dims: number[]; data: Float64Array }> = {};
  for (const [name, spec] of xs) {
    const dims = [2, ...spec.x];
    feeds[name] = {
      dims,
      data: Float64Array.from(
        xValues(
          spec,
          dims.reduce((a, b) => a * b, 1),
          rand,
        ),
        Math.fround,
      ),
    };
  }
  const logitDims = shapes.get(logits)!.dims;
  if (logitDims[0] !== 'N') throw new Error(`case ${c.name}: logits dim 0 must follow the batch`);
  const row = logitDims.slice(1).reduce<number>((a, b) => a * (b as number), 1);
  const seed = Float64Array.from({ length: 2 * row }, () => Math.fround(rand() * 2 - 1));
  const seedDims = [2, ...(logitDims.slice(1) as number[])];

  const { session: fd, precision } = await fdSession(runner, c, consts, feeds);
  const session = await runner.createSession(encodeModel(prepared.model));
  const errors: Record<string, number> = {};
  try {
    const rowAligned = await session.run(feedsOf(feeds, seed, seedDims, 2));
    const oneImage = await session.run(feedsOf(feeds, seed, seedDims, 1));
    for (const layer of prepared.layers) {
      const jac = await jacobian(fd, precision, feeds, layer.name, logits, EPS[precision]);
      errors[`${layer.name} N=2`] = relL2(dataOf(rowAligned[layer.gradient]!), vjp(jac, seed));
      const perImage = jac.length / 2;
      const g = dataOf(oneImage[layer.gradient]!);
      for (let s = 0; s < 2; s++) {
        const ref = vjp(jac.slice(0, perImage), seed.subarray(s * row, (s + 1) * row));
        errors[`${layer.name} S=${s}`] = relL2(g.subarray(s * perImage, (s + 1) * perImage), ref);
      }
    }
  } finally {
    await session.release();
    await fd.release();
  }
  return { precision, worst: Math.max(...Object.values(errors)), errors };
}

/** The forward model for finite differences: float64 when ORT runs every op of the case in double. */
async function fdSession(
  runner: ModelRunner,
  c: OpCase,
  consts: Map<string, Float64Array>,
  feeds: Record<string, { dims: number[]; data: Float64Array }>,
): Promise<{ session: ModelSession; precision: Precision }> {
  const double = encodeModel(buildModel(c, consts, 'float64'));
  try {
    const session = await runner.createSession(double);
    const all: Record<string, RunTensor> = {};
    for (const [k, v] of Object.entries(feeds)) all[k] = toRun(v.data, v.dims, 'float64');
    await session.run(all);
    return { session, precision: 'float64' };
  } catch {
    return { session: await runner.createSession(encodeModel(buildModel(c, consts, 'float32'))), precision: 'float32' };
  }
}

function feedsOf(
  feeds: Record<string, { dims: number[]; data: Float64Array }>,
  seed: Float64Array,
  seedDims: number[],
  batch: 1 | 2,
): Record<string, RunTensor> {
  const out: Record<string, RunTensor> = { gradcam_seed: toRun(seed, seedDims, 'float32') };
  for (const [k, v] of Object.entries(feeds)) {
    const data = batch === 2 ? v.data : v.data.subarray(0, v.data.length / 2);
    out[k] = toRun(new Float64Array(data), [batch, ...v.dims.slice(1)], 'float32');
  }
  return out;
}

function dataOf(t: RunTensor): Float32Array {
  return t.data as Float32Array;
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
