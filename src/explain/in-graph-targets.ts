/**
 * @module
 * Top-k targets chosen inside the prepared model (manifest `seed.select`, src/prepare/target-select.ts):
 * one run explains the predicted classes at any class count. The request's kind of target becomes a
 * [2, K] template (row 0: weight of the chosen class, -1 for a counterfactual; row 1: offset, -e_b for
 * "rather than b"); the model picks the classes and reports them.
 */
import { ApiError } from '../errors.js';
import type { Manifest } from '../manifest.js';
import type { RunTensor } from '../runtime/runner.js';
import type { TargetRequest } from './seed-run.js';

/** The [2, K] template of a request's targets. */
export function targetTemplate(req: TargetRequest, k: number): RunTensor {
  const data = new Float32Array(2 * k).fill(req.counterfactual ? -1 : 1, 0, k);
  if (req.versus !== null) data[k + req.versus] = -1;
  return { type: 'float32', dims: [2, k], data };
}

/** The k = `top` feed of the model's selection input. */
export function topKFeed(manifest: Manifest, top: number): Record<string, RunTensor> {
  return { [manifest.seed.select!.topK]: { type: 'int64', dims: [1], data: BigInt64Array.from([BigInt(top)]) } };
}

/** The classes the model chose (best first), read from its `seed.select.classes` output. */
export function chosenClasses(manifest: Manifest, out: Record<string, RunTensor>, top: number): number[] {
  const t = out[manifest.seed.select!.classes];
  if (!t || !(t.data instanceof BigInt64Array) || t.data.length < top)
    throw new ApiError(500, 'internal', 'the model did not report the classes it explained');
  return Array.from(t.data.subarray(0, top), Number);
}
