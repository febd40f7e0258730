/**
 * @module
 * The explain route's cost budget: a request whose cost (src/explain/cost.ts) exceeds `MAX_REQUEST_COST`
 * is a 400 saying what it would spend and what to reduce, before anything runs.
 */
import { ApiError } from '../../errors.js';
import type { RequestCost } from '../../explain/cost.js';

/** Default budget: 128 units (a plain Grad-CAM of a 224 px model costs 1; Score-CAM on one layer 33). */
export const DEFAULT_MAX_REQUEST_COST = 128;

/** The configured budget in units. */
export function costBudget(env: { MAX_REQUEST_COST?: string }): number {
  const n = Number(env.MAX_REQUEST_COST);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_MAX_REQUEST_COST;
}

const ADVICE: Record<keyof RequestCost['parts'], string> = {
  request: 'explain fewer classes (lower top)',
  method: 'use fewer noisy copies (n), fewer layers or classes, or a method without extra model runs (e.g. gradcam instead of scorecam)',
  flip: 'drop aug=flip (it doubles the work)',
  metrics: 'ask for fewer metrics (deletion and insertion take 16 images each)',
};

/**
 * Throw 400 request_too_costly when `cost` is over `budget`.
 *
 * @example
 * checkCost(requestCost(manifest, plan.compute, plan.metrics), costBudget(env));
 */
export function checkCost(cost: RequestCost, budget: number): void {
  if (cost.units <= budget) return;
  const order = (Object.keys(cost.parts) as (keyof RequestCost['parts'])[]).sort((a, b) => cost.parts[b] - cost.parts[a]);
  const advice = order
    .filter((p) => cost.parts[p] > 0)
    .slice(0, 2)
    .map((p) => ADVICE[p])
    .join('; or ');
  throw new ApiError(
    400,
    'request_too_costly',
    `This request would cost ${cost.units} units (${cost.runs} model runs over ${cost.images} images); the limit is ${budget}. To reduce it: ${advice}.`,
    { cost: cost.units, maxCost: budget, runs: cost.runs, images: cost.images, parts: cost.parts },
  );
}
