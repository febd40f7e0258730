/**
 * @module
 * A smoke run of the prepared model: one image of zeros and two one-hot seed rows (the batch contract's
 * one image, S explanations), checking that every activation and gradient output comes back with the
 * expected shape and finite values. A model whose export baked batch 1 into a reshape that also holds
 * another axis (torch's MultiheadAttention exported without a symbolic batch) fails here, with advice.
 */
import { ApiError } from '../errors.js';
import type { ModelRunner, RunTensor } from '../runtime/runner.js';
import type { LayerSpec, TaskTargetInputs } from '../manifest.js';
import { idleTargetFeeds } from '../explain/model-feed.js';
import type { ImageInput } from './input.js';

function concrete(dims: readonly (string | number)[]): number[] {
  return dims.map((d) => (typeof d === 'number' ? d : 1));
}

function zeros(dims: number[]): RunTensor {
  return { type: 'float32', dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) };
}

/** Run the prepared model once; throws `internal` with the runtime's message when it does not run. */
export async function verifyPrepared(
  model: Uint8Array,
  runner: ModelRunner,
  input: ImageInput,
  seed: { name: string; classes: number; row?: readonly number[]; topK?: string; task?: TaskTargetInputs },
  layers: readonly LayerSpec[],
): Promise<void> {
  // Two seed rows (a batch baked into a reshape shows only with more than one): each [K] for classifiers, the
  // explained output's dims for other tasks. With in-graph target selection the run chooses its top-2 classes
  // itself from a [2, K] template (T[0] = 1, T[1] = 0).
  const rows = seed.topK ? Math.min(2, seed.classes) : 2;
  const row = seed.row ?? [seed.classes];
  const rowSize = row.reduce((a, b) => a * b, 1);
  const seedTensor = zeros([2, ...row]);
  if (seed.topK) (seedTensor.data as Float32Array).fill(1, 0, rowSize);
  else for (let r = 0; r < 2; r++) (seedTensor.data as Float32Array)[r * rowSize + (r % rowSize)] = 1;
  const selection: Record<string, RunTensor> = {
    ...idleTargetFeeds({ task: seed.task }),
    ...(seed.topK ? { [seed.topK]: { type: 'int64', dims: [1], data: BigInt64Array.from([BigInt(rows)]) } } : {}),
  };
  const outputsOf = (l: LayerSpec) => [l.activation, l.gradient, ...(l.guidedGradient ? [l.guidedGradient] : [])];
  const fetches = layers.flatMap(outputsOf);
  let out: Record<string, RunTensor>;
  try {
    const session = await runner.createSession(model);
    try {
      const seeds = Object.fromEntries(
        [seed.name, ...layers.flatMap((l) => [l.seed, l.guidedSeed])].filter((s): s is string => !!s).map((s) => [s, seedTensor]),
      );
      out = await session.run({ [input.name]: zeros(concrete(input.shape)), ...seeds, ...selection }, fetches);
    } finally {
      await session.release();
    }
  } catch (err) {
    const message = (err as Error).message;
    if (typeof input.shape[0] === 'number' && /reshape/i.test(message)) {
      const why = message
        .replace(/^.*ERROR_MESSAGE:\s*/s, '')
        .replace(/^\S+\.h:\d+ \S+ /, '')
        .slice(0, 240);
      throw new ApiError(
        422,
        'invalid_model',
        `The model's batch size is fixed at ${input.shape[0]} and a reshape bakes it in (onnxruntime: ${why}), so one image cannot be explained for several classes at once. Re-export it with a symbolic batch: torch.onnx.export(..., dynamic_axes={'input': {0: 'N'}, 'logits': {0: 'N'}}).`,
      );
    }
    throw new ApiError(
      500,
      'internal',
      `The prepared model does not run in onnxruntime-web: ${message}. Please report this with the source model.`,
    );
  }
  for (const l of layers) {
    for (const name of outputsOf(l)) {
      const t = out[name];
      // gradients have the seed's rows; activations one row per image (S rows when the model runs its forward pass per seed row)
      const want = concrete(l.shape).map((d, i) => (i === 0 && (name !== l.activation || t?.dims[0] === rows) ? rows : d));
      if (!t || t.dims.join() !== want.join() || !(t.data as Float32Array).every(Number.isFinite)) {
        throw new ApiError(
          500,
          'internal',
          `The prepared model's output "${name}" is ${t ? `[${t.dims.join(', ')}]` : 'missing'} (expected [${want.join(', ')}], finite). Please report this with the source model.`,
        );
      }
    }
  }
}
