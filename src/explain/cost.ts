/**
 * @module
 * The cost of an explanation request, known before anything runs: the model runs it will make and the
 * images they carry (batches split at the model's batch limit), each weighed by the input's pixels. The
 * unit is one image at 224 x 224 through the prepared model, so a plain Grad-CAM of a 224 px model costs 1.
 * It follows the engine's run structure (compute.ts, seed-run.ts, metrics.ts): the request's own run (plus
 * a forward run to find the targets when they cannot come from the same run: run-plan.ts decides that for
 * the engine and for this count alike), the methods' extra
 * images per target and layer (Score-CAM's masked copies, the noisy copies of Smooth Grad-CAM++ and
 * SmoothGrad), the same again for aug=flip, and the metrics' batched forward passes. Score-CAM's count is
 * an upper bound (it masks at most its channel cap, fewer when channels are inactive); the rest is exact.
 */
import type { Manifest } from '../manifest.js';
import type { ComputeRequest } from './compute.js';
import { METRIC_STEPS, type Metric } from './metrics.js';
import { batchLimit, inputSize } from './model-feed.js';
import { planTargets } from './run-plan.js';

/** Pixels of the cost unit (one 224 x 224 image). */
export const UNIT_PIXELS = 224 * 224;

/** What a request will spend. */
export interface RequestCost {
  /** Model runs. */
  runs: number;
  /** Images carried by those runs. */
  images: number;
  /** images x input pixels / (224 x 224), rounded up: what budgets and rate limits charge. */
  units: number;
  /** Units by where they come from (the 400 over budget names the largest). */
  parts: Record<'request' | 'method' | 'flip' | 'metrics', number>;
}

/**
 * The cost of explaining one image with `compute` and `metrics` on the model of `manifest`.
 *
 * @example
 * requestCost(manifest, plan.compute, plan.metrics).units; // 1 for plain gradcam on a 224 px model
 */
export function requestCost(manifest: Manifest, compute: ComputeRequest, metrics: readonly Metric[]): RequestCost {
  const limit = batchLimit(manifest);
  const { width, height } = inputSize(manifest);
  const perImage = (width * height) / UNIT_PIXELS;
  let runs = 0;
  let images = 0;
  const parts = { request: 0, method: 0, flip: 0, metrics: 0 };
  const add = (part: keyof typeof parts, count: number) => {
    if (count <= 0) return;
    runs += Math.ceil(count / limit);
    images += count;
    parts[part] += count * perImage;
  };
  const pass = (first: boolean, part: 'request' | 'flip') => {
    const m = compute.method;
    const req = compute.targets;
    const targets = Array.isArray(req) ? req.length : 'kind' in req || req.classIndex !== null ? 1 : req.top;
    const pixel = m.kind === 'pixel' ? m.pixel : undefined;
    // the mirrored pass feeds the first pass's targets: one run
    const ownRuns = first ? planTargets(manifest, compute).runs : 1;
    for (let r = 0; r < ownRuns; r++) add(part, 1);
    for (let t = 0; t < targets; t++) {
      if (m.kind === 'cam') {
        for (const layer of compute.layers) add(first ? 'method' : 'flip', m.cam.extraImages(Number(layer.shape[1])));
      } else if (pixel) {
        add(first ? 'method' : 'flip', pixel.extraImages?.(compute.n) ?? 0);
      }
    }
  };
  pass(true, 'request');
  if (compute.aug === 'flip') pass(false, 'flip');
  if (metrics.includes('drop') || metrics.includes('increase')) add('metrics', 1);
  if (metrics.includes('deletion')) add('metrics', METRIC_STEPS + 1);
  if (metrics.includes('insertion')) add('metrics', METRIC_STEPS + 1);
  return { runs, images, units: Math.ceil(images * perImage), parts };
}
