/**
 * @module
 * Deletion and insertion (Petsiuk et al. 2018, RISE, arXiv:1806.07421, section 4.1): pixels are moved from
 * the image to a baseline (deletion) or from the baseline to the image (insertion) in the order of the map's
 * importance, `steps` equal shares at a time; the class probability along the way is integrated over the
 * fraction of pixels moved (trapezoid rule on [0, 1]). A good map makes deletion fall fast (low AUC) and
 * insertion rise fast (high AUC). Inputs are channel-planar (C x H x W) with the map H x W.
 */
import { createRng } from '../scenes/prng.js';
import type { FloatMap, Forward } from './types.js';

/** Which way pixels move. */
export type PerturbationMode = 'deletion' | 'insertion';

/** Options of {@link perturbationCurves}. */
export interface PerturbationOptions {
  /** The model input (C x H x W), and what pixels become (deletion) or start from (insertion). */
  input: Float32Array;
  baseline: Float32Array;
  /** The maps to evaluate, each H x W; one curve each. */
  maps: readonly FloatMap[];
  mode: PerturbationMode;
  /** Number of equal shares of pixels; the curve has steps + 1 points. */
  steps: number;
  /** The class whose probability is tracked. */
  classIndex: number;
  /** Seed of the random order among pixels of equal importance (default 0). */
  tieSeed?: number;
  /** Inputs per call of `forward` (default 32). */
  batchSize?: number;
}

/**
 * Pixel indices from most to least important; equal values in a seeded random order (so a flat region is
 * not removed top row first).
 *
 * @example
 * importanceOrder({ width: 3, height: 1, data: Float32Array.of(0.2, 0.9, 0.5) }); // [1, 2, 0]
 */
export function importanceOrder(map: FloatMap, tieSeed = 0): Uint32Array {
  const rng = createRng(tieSeed);
  const n = map.data.length;
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) key[i] = rng.next();
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  return order.sort((a, b) => map.data[b]! - map.data[a]! || key[a]! - key[b]!);
}

/** Number of pixels moved after `k` of `steps` steps. */
export function pixelsMoved(k: number, steps: number, pixels: number): number {
  return Math.round((k * pixels) / steps);
}

/**
 * Writes into `out` the input after `moved` pixels of `order` have been taken from `to` (the rest from
 * `from`): deletion is from = input, to = baseline; insertion the reverse.
 */
export function perturbedInput(from: Float32Array, to: Float32Array, order: Uint32Array, moved: number, out: Float32Array): void {
  out.set(from);
  const plane = order.length,
    channels = from.length / plane;
  for (let j = 0; j < moved; j++) {
    const p = order[j]!;
    for (let c = 0; c < channels; c++) out[c * plane + p] = to[c * plane + p]!;
  }
}

/**
 * The probability curve of every map (each steps + 1 values, from 0 to all pixels moved), in batched forward
 * passes; the two end points are shared by all maps and computed once.
 *
 * @example
 * const [curve] = await perturbationCurves(forward, { input, baseline, maps: [cam], mode: 'deletion', steps: 16, classIndex: 3 });
 * areaUnderCurve(curve);
 */
export async function perturbationCurves(forward: Forward, o: PerturbationOptions): Promise<Float64Array[]> {
  const size = o.input.length,
    plane = o.maps[0]?.data.length ?? 0;
  if (o.baseline.length !== size) throw new RangeError('input and baseline differ in size');
  if (o.maps.some((m) => m.data.length !== plane) || size % plane !== 0) throw new RangeError('maps must all be H x W of the input');
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new RangeError('steps must be a positive integer');
  const [from, to] = o.mode === 'deletion' ? [o.input, o.baseline] : [o.baseline, o.input];
  const jobs: { map: number; k: number; order?: Uint32Array }[] = [
    { map: -1, k: 0 },
    { map: -1, k: o.steps },
  ];
  o.maps.forEach((map, m) => {
    const order = importanceOrder(map, o.tieSeed ?? 0);
    for (let k = 1; k < o.steps; k++) jobs.push({ map: m, k, order });
  });
  const probs = await runJobs(forward, jobs.length, o.batchSize ?? 32, size, o.classIndex, (j, out) => {
    const job = jobs[j]!;
    if (!job.order) out.set(job.k === 0 ? from : to);
    else perturbedInput(from, to, job.order, pixelsMoved(job.k, o.steps, plane), out);
  });
  const curves = o.maps.map(() => new Float64Array(o.steps + 1));
  for (const curve of curves) [curve[0], curve[o.steps]] = [probs[0]!, probs[1]!];
  jobs.forEach((job, j) => {
    if (job.map >= 0) curves[job.map]![job.k] = probs[j]!;
  });
  return curves;
}

/** Runs `count` inputs built by `fill` through `forward` in batches; returns the tracked class's probabilities. */
async function runJobs(
  forward: Forward,
  count: number,
  batchSize: number,
  size: number,
  classIndex: number,
  fill: (job: number, out: Float32Array) => void,
): Promise<Float64Array> {
  const out = new Float64Array(count);
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const batch = new Float32Array(n * size);
    for (let i = 0; i < n; i++) fill(start + i, batch.subarray(i * size, (i + 1) * size));
    const probs = await forward(batch, n);
    const classes = probs.length / n;
    for (let i = 0; i < n; i++) out[start + i] = probs[i * classes + classIndex]!;
  }
  return out;
}

/**
 * Area under a curve sampled at equally spaced points of [0, 1] (trapezoid rule).
 *
 * @example
 * areaUnderCurve([1, 0]); // 0.5
 */
export function areaUnderCurve(curve: ArrayLike<number>): number {
  const n = curve.length - 1;
  if (n < 1) throw new RangeError('a curve needs at least two points');
  let s = 0;
  for (let k = 0; k < n; k++) s += (curve[k]! + curve[k + 1]!) / 2;
  return s / n;
}
