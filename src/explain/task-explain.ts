/**
 * @module
 * The engine for segmentation, detection and embedding models (manifest `task`): one forward run gives the
 * explained output, src/tasks resolves the request's target from it (the default class's segment, detection
 * i after NMS, a direction) into one seed row in the output's shape, and a second run gives A and G for that
 * seed; the CAM method then makes the map as for a classifier.
 */
import type { TaskSpec } from '../manifest.js';
import { resolveTaskTarget, type TaskRequest, type TaskSummary } from '../tasks/resolve.js';
import type { InputGeometry } from '../tasks/input-to-image.js';
import { denseSeed, targetValue, type SparseTarget } from '../tasks/target.js';
import { computeMaps, type ComputeRequest, type ExplainedTarget } from './compute.js';
import type { ModelFeed } from './model-feed.js';

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

/**
 * @example
 * const e = await explainTaskImage(feed, pre.data, task, compute, { box: '0' }, { labels, geometry });
 * e.summary.detections; e.explained[0].map;
 */
export async function explainTaskImage(
  feed: ModelFeed,
  input: Float32Array,
  task: TaskSpec,
  compute: ComputeRequest,
  request: TaskRequest,
  ctx: { labels: readonly string[] | null; geometry: InputGeometry },
): Promise<TaskExplanation> {
  const output = await feed.output(input);
  const targetFree = compute.method.kind === 'cam' && !compute.method.cam.needsGradient;
  const resolved = resolveTaskTarget(task, output, request, ctx, targetFree);
  const s = resolved.summary;
  const t = resolved.target;
  const classIndex =
    s.task === 'segment' ? s.classIndex : s.task === 'detect' ? (s.box === null ? -1 : s.detections[s.box]!.classIndex) : (s.index ?? -1);
  // A gradient-free method without a target: zero seed rows (the backward graph then gives G = 0, unused).
  const seed = t ? denseSeed(t) : new Float32Array(feed.seedWidth);
  const computed = await computeMaps(feed, input, { ...compute, targets: [{ classIndex, versus: null, counterfactual: false, seed }] });
  return {
    summary: s,
    target: t,
    classIndex,
    score: t ? scoreOf(s, targetValue(t, output), t.indices.length) : Number.NaN,
    explained: computed.explained,
    runs: computed.runs + 1,
  };
}
