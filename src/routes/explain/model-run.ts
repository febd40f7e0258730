/**
 * @module
 * One model run for an explanation, and the choice of seed rows. The target class's gradient needs a seed
 * row for that class; when the request names no class, the top-1 class is known only after the forward.
 * For models with few classes (K <= {@link IDENTITY_SEED_MAX_CLASSES}) one run with S = K identity rows gives
 * every class's gradient from one forward (the batch contract of src/manifest.ts); the row of the argmax is
 * kept. For larger K a forward with a zero seed finds the class, then a second run seeds it.
 */
import { ApiError } from '../../errors.js';
import { ownSeedFeeds } from '../../models/empty-seeds.js';
import type { LayerSpec, Manifest } from '../../manifest.js';
import type { ModelSession, RunTensor } from '../../runtime/runner.js';

/** The largest class count explained with identity seeds in one run. */
export const IDENTITY_SEED_MAX_CLASSES = 16;

/** The result of the run(s) behind one explanation. */
export interface ModelRunResult {
  logits: Float32Array;
  classIndex: number;
  /** One image's activation, C x h x w. */
  activation: Float32Array;
  /** The gradient row of `classIndex`, C x h x w. */
  gradient: Float32Array;
  channels: number;
  height: number;
  width: number;
  runs: number;
}

/** The number of classes K of a prepared model. */
export function classCount(manifest: Manifest): number {
  return Number(manifest.seed.shape[1]);
}

function seedTensor(manifest: Manifest, rows: number[] | 'identity' | 'zero'): RunTensor {
  const k = classCount(manifest);
  const s = rows === 'identity' ? k : rows === 'zero' ? 1 : rows.length;
  const data = new Float32Array(s * k);
  if (rows === 'identity') for (let i = 0; i < k; i++) data[i * k + i] = 1;
  else if (rows !== 'zero') rows.forEach((cls, i) => (data[i * k + cls] = 1));
  return { type: 'float32', dims: [s, k], data };
}

function imageTensor(manifest: Manifest, input: Float32Array): RunTensor {
  const [, a, b, c] = manifest.input.shape as [unknown, number, number, number];
  return { type: 'float32', dims: [1, a, b, c], data: input };
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

function float32(t: RunTensor | undefined, name: string): RunTensor & { data: Float32Array } {
  if (!t || !(t.data instanceof Float32Array)) throw new Error(`model output '${name}' missing or not float32`);
  return t as RunTensor & { data: Float32Array };
}

/** Run the forward pass only (zero seed) and return the logits. */
export async function runLogits(session: ModelSession, manifest: Manifest, input: Float32Array): Promise<Float32Array> {
  const feeds = { ...ownSeedFeeds(manifest), [manifest.input.name]: imageTensor(manifest, input), [manifest.seed.name]: seedTensor(manifest, 'zero') };
  const out = await session.run(feeds, [manifest.logits.name]);
  return float32(out[manifest.logits.name], manifest.logits.name).data.slice(0, classCount(manifest));
}

/**
 * Run the model for an explanation of `classIndex` (null: the top-1 class) at `layer`.
 *
 * @example
 * const r = await runForExplanation(session, manifest, layer, input, null); // r.classIndex is the top-1
 */
export async function runForExplanation(
  session: ModelSession,
  manifest: Manifest,
  layer: LayerSpec,
  input: Float32Array,
  classIndex: number | null,
): Promise<ModelRunResult> {
  let runs = 0;
  let seedRows: number[] | 'identity';
  if (classIndex !== null) seedRows = [classIndex];
  else if (classCount(manifest) <= IDENTITY_SEED_MAX_CLASSES) seedRows = 'identity';
  else {
    runs++;
    seedRows = [argmax(await runLogits(session, manifest, input))];
  }
  const feeds = { ...ownSeedFeeds(manifest), [manifest.input.name]: imageTensor(manifest, input), [manifest.seed.name]: seedTensor(manifest, seedRows) };
  const out = await session.run(feeds, [manifest.logits.name, layer.activation, layer.gradient]);
  runs++;
  const logits = float32(out[manifest.logits.name], manifest.logits.name).data.slice(0, classCount(manifest));
  const a = float32(out[layer.activation], layer.activation);
  const g = float32(out[layer.gradient], layer.gradient);
  const [, channels, height, width] = a.dims;
  const plane = channels * height * width;
  const target = seedRows === 'identity' ? argmax(logits) : seedRows[0];
  const row = seedRows === 'identity' ? target : 0;
  if (g.data.length < (row + 1) * plane) throw new ApiError(500, 'internal', 'gradient output has an unexpected shape');
  return {
    logits,
    classIndex: target,
    activation: a.data.subarray(0, plane),
    gradient: g.data.subarray(row * plane, (row + 1) * plane),
    channels,
    height,
    width,
    runs,
  };
}
