/**
 * @module
 * The engine for segmentation, detection and embedding models (manifest `task`). src/tasks resolves the
 * request's target (the default class's segment, detection i after NMS, a direction) from the model's own
 * output into one seed row in the output's shape; the CAM method then makes the map as for a classifier.
 * How many runs that takes is planned by run-plan.ts (planTargets, shared with the cost accounting):
 * - one run when the model builds the default target itself (manifest `seed.task`: a segment of any class
 *   and region, the top detection), checked against the TypeScript decoding of the same run's output;
 * - one run for embeddings (the direction is known before the run) and for methods that read no gradient
 *   (the target only names what the response reports);
 * - otherwise a forward run to decode the output, then the seeded run (detection i > 0, old manifests).
 */
import type { TaskSpec } from '../manifest.js';
import { resolveTaskTarget, type ResolvedTarget, type TaskRequest, type TaskSummary } from '../tasks/resolve.js';
import type { InputGeometry } from '../tasks/input-to-image.js';
import { denseSeed, targetValue, type SparseTarget } from '../tasks/target.js';
import { computeMaps, type ComputeRequest, type ExplainedTarget } from './compute.js';
import { graphAgrees, taskTargetFeeds } from './in-graph-task-targets.js';
import type { ModelFeed } from './model-feed.js';
import { planTargets } from './run-plan.js';
import type { OutputTargets, Target } from './seed-run.js';

/** What {@link explainTaskImage} returns. */
export interface TaskExplanation {
  summary: TaskSummary;
  /** The explained target (null: a gradient-free method and nothing to target); a segment's mask is its indices. */
  target: SparseTarget | null;
  /** The class the target belongs to (segment class, detection class; embed: the unit, or -1 for a direction). */
  classIndex: number;
  /** The explained score: the detection's score, the segment's mean class logit, the embedding's projection. */
  score: number;
  explained: ExplainedTarget[];
  runs: number;
}

function scoreOf(summary: TaskSummary, value: number, pixels: number): number {
  if (summary.task === 'detect') return summary.box === null ? Number.NaN : summary.detections[summary.box]!.score;
  return summary.task === 'segment' ? value / pixels : value;
}

function classOf(s: TaskSummary): number {
  return s.task === 'segment'
    ? s.classIndex
    : s.task === 'detect'
      ? s.box === null
        ? -1
        : s.detections[s.box]!.classIndex
      : (s.index ?? -1);
}

/** The engine's target for a resolved task target (a gradient-free method without a target: a zero row). */
function targetOf(r: ResolvedTarget, width: number): Target {
  // A zero seed row gives G = 0, which a gradient-free method does not read.
  const seed = r.target ? denseSeed(r.target) : new Float32Array(width);
  return { classIndex: classOf(r.summary), versus: null, counterfactual: false, seed };
}

/**
 * @example
 * const e = await explainTaskImage(feed, pre.data, task, compute, { box: '0' }, { labels, geometry });
 * e.summary.detections; e.explained[0].map; e.runs; // 1 for the top detection on a model with seed.task
 */
export async function explainTaskImage(
  feed: ModelFeed,
  input: Float32Array,
  task: TaskSpec,
  compute: ComputeRequest,
  request: TaskRequest,
  ctx: { labels: readonly string[] | null; geometry: InputGeometry },
): Promise<TaskExplanation> {
  const targetFree = compute.method.kind === 'cam' && !compute.method.cam.needsGradient;
  const { path } = planTargets(feed.manifest, { ...compute, task: request });
  let resolved: ResolvedTarget | undefined;
  const resolve = (output: Float32Array): Target => {
    resolved = resolveTaskTarget(task, output, request, ctx, targetFree);
    return targetOf(resolved, feed.seedWidth);
  };
  let targets: ComputeRequest['targets'];
  let forward = 0;
  if (path === 'forward-first') {
    forward = 1;
    targets = [resolve(await feed.output(input))];
  } else if (path === 'fed') {
    targets = [resolve(new Float32Array(0))]; // an embedding's direction does not depend on the output
  } else {
    const inGraph = path === 'in-graph';
    const { width, height } = feed.inputSize;
    const graph = inGraph ? taskTargetFeeds(feed.manifest, request, width, height) : { feeds: {}, fetches: [] };
    targets = {
      kind: 'from-output',
      feeds: graph.feeds,
      fetches: graph.fetches,
      seed: inGraph ? 'empty' : 'zero',
      resolve: (output, out) => {
        const target = resolve(output);
        return { targets: [target], matches: !inGraph || graphAgrees(feed.manifest, out, resolved!.summary) };
      },
    } satisfies OutputTargets;
  }
  const computed = await computeMaps(feed, input, { ...compute, targets });
  const r = resolved!;
  const t = r.target;
  return {
    summary: r.summary,
    target: t,
    classIndex: classOf(r.summary),
    score: t ? scoreOf(r.summary, targetValue(t, computed.output), t.indices.length) : Number.NaN,
    explained: computed.explained,
    runs: computed.runs + forward,
  };
}
