/**
 * @module
 * A smoke run of the prepared model: one image of zeros and a one-hot seed, checking that every
 * activation and gradient output comes back with the expected shape and finite values.
 */
import { ApiError } from '../errors.js';
import type { ModelRunner, RunTensor } from '../runtime/runner.js';
import type { LayerSpec } from '../manifest.js';
import type { ImageInput } from './input.js';

function concrete(dims: readonly (string | number)[]): number[] {
  return dims.map((d) => (typeof d === 'number' ? d : 1));
}

function zeros(dims: number[]): RunTensor {
  return { type: 'float32', dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) };
}

/** Run the prepared model once; throws `internal` with the runtime's message when it does not run. */
export async function verifyPrepared(model: Uint8Array, runner: ModelRunner, input: ImageInput, seed: { name: string; classes: number; topK?: string }, layers: readonly LayerSpec[]): Promise<void> {
  // With in-graph target selection, the run chooses the top-1 class itself from a [2, K] template.
  const seedTensor = zeros([seed.topK ? 2 : 1, seed.classes]);
  (seedTensor.data as Float32Array).fill(1, 0, seed.topK ? seed.classes : 1);
  const selection: Record<string, RunTensor> = seed.topK ? { [seed.topK]: { type: 'int64', dims: [1], data: BigInt64Array.from([1n]) } } : {};
  const outputsOf = (l: LayerSpec) => [l.activation, l.gradient, ...(l.guidedGradient ? [l.guidedGradient] : [])];
  const fetches = layers.flatMap(outputsOf);
  let out: Record<string, RunTensor>;
  try {
    const session = await runner.createSession(model);
    try {
      const seeds = Object.fromEntries([seed.name, ...layers.flatMap((l) => [l.seed, l.guidedSeed])].filter((s): s is string => !!s).map((s) => [s, seedTensor]));
      out = await session.run({ [input.name]: zeros(concrete(input.shape)), ...seeds, ...selection }, fetches);
    } finally {
      await session.release();
    }
  } catch (err) {
    throw new ApiError(500, 'internal', `The prepared model does not run in onnxruntime-web: ${(err as Error).message}. Please report this with the source model.`);
  }
  for (const l of layers) {
    for (const name of outputsOf(l)) {
      const t = out[name];
      const want = concrete(l.shape);
      if (!t || t.dims.join() !== want.join() || !(t.data as Float32Array).every(Number.isFinite)) {
        throw new ApiError(500, 'internal', `The prepared model's output "${name}" is ${t ? `[${t.dims.join(', ')}]` : 'missing'} (expected [${want.join(', ')}], finite). Please report this with the source model.`);
      }
    }
  }
}
