/**
 * @module
 * How a request's targets reach the model, decided in one place: the engine (seed-run.ts, task-explain.ts)
 * runs what this plans and the cost accounting (cost.ts) charges what this plans, so the two cannot drift.
 *
 * Paths, with the model runs of one pass over the image:
 * - `fed` (1): the seed rows are known before the run: a named class (and versus / counterfactual), rows
 *   resolved earlier, an embedding's direction or unit;
 * - `identity` (1): only the layers' shared seed is needed and K <= {@link IDENTITY_SEED_MAX_CLASSES} (or no
 *   seed at all: logits only); the K identity rows give every class's gradient, combined after the run;
 *   not for models that fold the batch (manifest `seed.foldedBatch`): their K rows would be K forward passes,
 *   so forward-first's two passes are cheaper;
 * - `in-graph` (1): the model builds the rows itself from its own output: a classifier's top-k (manifest
 *   `seed.select`), a segmenter's class segment or a detector's top detection (manifest `seed.task`);
 * - `after-run` (1): the method reads no gradient (Eigen-CAM), so a task target is resolved from the same
 *   run's output, only for what the response reports;
 * - `forward-first` (2): a forward run finds the targets first: top-k on a model without selection,
 *   detection i > 0 (its rank after NMS is only known in TypeScript), pixel-level methods' own seeds, and
 *   task models prepared before in-graph task targets existed.
 * An in-graph task target is checked against the TypeScript decoding of the same run's output; on the
 * rare disagreement (a NaN, an objectness below conf) the engine spends one more run with the decoded seed.
 */
import type { Manifest } from '../manifest.js';
import { taskOf } from '../manifest.js';
import type { TaskRequest } from '../tasks/resolve.js';
import type { ComputeRequest } from './compute.js';
import { classCount } from './model-feed.js';
import type { RunNeeds } from './seed-run.js';

/** The largest class count explained with identity seeds in one run. */
export const IDENTITY_SEED_MAX_CLASSES = 16;

/** How the targets reach the model (module comment). */
export type SeedPath = 'fed' | 'identity' | 'in-graph' | 'after-run' | 'forward-first';

/** A planned pass: the path and the model runs it takes. */
export interface SeedPlan {
  path: SeedPath;
  runs: 1 | 2;
}

const plan = (path: SeedPath): SeedPlan => ({ path, runs: path === 'forward-first' ? 2 : 1 });

/**
 * The plan of a classifier's targets: `named` when the request names its class (or gives seed rows).
 *
 * @example
 * planClassTargets(manifest, { layers: [layer] }, false); // { path: 'in-graph', runs: 1 } with seed.select
 */
export function planClassTargets(manifest: Manifest, needs: RunNeeds, named: boolean): SeedPlan {
  if (named) return plan('fed');
  const onlyShared = !needs.input || (!needs.input.plain && !needs.input.guided);
  const sharedSeed = needs.layers.length > 0 || !!needs.attention?.gradient;
  const logitsOnly = onlyShared && !sharedSeed; // e.g. smoothgrad (the gradients come from its batch), rollout
  if (!logitsOnly && manifest.seed.select) return plan('in-graph');
  const identityPays = classCount(manifest) <= IDENTITY_SEED_MAX_CLASSES && !manifest.seed.foldedBatch;
  if (onlyShared && (logitsOnly || identityPays)) return plan('identity');
  return plan('forward-first');
}

/** Whether the model's in-graph task target (manifest `seed.task`) is the target `request` asks for. */
export function inGraphTaskTarget(manifest: Manifest, request: TaskRequest): boolean {
  if (!manifest.seed.task) return false;
  const kind = taskOf(manifest).kind;
  if (kind === 'segment') return true;
  return kind === 'detect' && (request.box === undefined || Number(request.box) === 0);
}

/**
 * The plan of a segmentation, detection or embedding target (one CAM target; `gradient`: the method reads G).
 *
 * @example
 * planTaskTargets(manifest, { box: '2' }, true); // { path: 'forward-first', runs: 2 }
 */
export function planTaskTargets(manifest: Manifest, request: TaskRequest, gradient: boolean): SeedPlan {
  if (taskOf(manifest).kind === 'embed') return plan('fed');
  if (!gradient) return plan('after-run');
  return plan(inGraphTaskTarget(manifest, request) ? 'in-graph' : 'forward-first');
}

/**
 * What the request's run must return: a CAM method's layers, or what the pixel method's registry entry needs.
 *
 * @example
 * runNeeds({ ...compute, method: { kind: 'cam', cam } }).layers; // compute.layers
 */
export function runNeeds(req: ComputeRequest): RunNeeds {
  const m = req.method;
  if (m.kind === 'cam') return { layers: req.layers };
  if (m.kind === 'attention') return { layers: [], attention: { gradient: m.attention.needsGradient } };
  const { plain, guided, gradcam } = m.pixel.needs;
  return { layers: gradcam ? req.layers : [], input: { layer: req.inputLayer!, plain, guided } };
}

/**
 * The plan of a request's first pass (the image itself; aug=flip's mirrored pass reuses its targets: `fed`).
 *
 * @example
 * planTargets(manifest, plan.compute).runs; // 1 for a top-1 Grad-CAM on a model with seed.select
 */
export function planTargets(manifest: Manifest, req: ComputeRequest): SeedPlan {
  if (taskOf(manifest).kind !== 'classify') {
    const gradient = req.method.kind !== 'cam' || req.method.cam.needsGradient;
    return planTaskTargets(manifest, req.task ?? {}, gradient);
  }
  const t = req.targets;
  const named = Array.isArray(t) || 'kind' in t || t.classIndex !== null;
  return planClassTargets(manifest, runNeeds(req), named);
}
