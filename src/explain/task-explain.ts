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
import { denseSeed, targetValue } from '../tasks/target.js';
import { computeMaps, type ComputeRequest, type ExplainedTarget } from './compute.js';
import type { ModelFeed } from './model-feed.js';

/** What {@link explainTaskImage} returns. */
export interface TaskExplanation {
  summary: TaskSummary;
  /** The class the target belongs to (segment class, detection class; embed: the unit, or -1 for a direction). */
  classIndex: number;
  /** The explained score: the detection's score, the segment's mean class logit, the embedding's projection. */
  score: number;
  explained: ExplainedTarget[];
  runs: number;
}

function scoreOf(summary: TaskSummary, value: number, pixels: number): number {
  if (summary.task === 'detect') return summary.detections[summary.box]!.score;
  return summary.task === 'segment' ? value / pixels : value;
}

/**
 * @example
 * const e = await explainTaskImage(feed, pre.data, task, compute, { box: '0' }, { labels, geometry });
 * e.summary.detections; e.explained[0].map;
 */
export async function explainTaskImage(feed: ModelFeed, input: Float32Array, task: TaskSpec, compute: ComputeRequest, request: TaskRequest, ctx: { labels: readonly string[] | null; geometry: InputGeometry }): Promise<TaskExplanation> {
  const output = await feed.output(input);
  const resolved = resolveTaskTarget(task, output, request, ctx);
  const s = resolved.summary;
  const classIndex = s.task === 'segment' ? s.classIndex : s.task === 'detect' ? s.detections[s.box]!.classIndex : (s.index ?? -1);
  const seed = denseSeed(resolved.target);
  const computed = await computeMaps(feed, input, { ...compute, targets: [{ classIndex, versus: null, counterfactual: false, seed }] });
  return {
    summary: s, classIndex, score: scoreOf(s, targetValue(resolved.target, output), resolved.target.indices.length),
    explained: computed.explained, runs: computed.runs + 1,
  };
}
