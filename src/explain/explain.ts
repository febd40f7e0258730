/**
 * @module
 * The engine's entry: one preprocessed image tensor, a prepared model (its {@link ModelFeed}) and a
 * resolved request in; one map per target, the logits, class probabilities, the requested quality metrics
 * of the first target's map, and the model runs spent out. No HTTP here: the service (src/routes/explain),
 * benchmarks and tests call it the same way.
 */
import { computeMaps, type ComputeRequest, type ExplainedTarget } from './compute.js';
import { explanationMetrics, type Metric, type MetricValues } from './metrics.js';
import type { ModelFeed } from './model-feed.js';
import { softmax } from './scores.js';

/** A resolved explanation request: what to compute, and which metrics of the first map. */
export interface ExplainRequest {
  compute: ComputeRequest;
  metrics: readonly Metric[];
}

/** What {@link explainImage} returns. */
export interface Explanation {
  logits: Float32Array;
  /** Softmax of the logits (float64). */
  probabilities: Float64Array;
  /** One map per target, best first for top=k. */
  explained: ExplainedTarget[];
  /** The metrics of the first target's map, when any were asked for. */
  metrics?: MetricValues['values'];
  /** Model runs spent on the maps and the metrics: every session run, the methods' batched extra runs included. */
  runs: number;
}

/** Times one stage of the work (e.g. a Stopwatch's `time`); by default the stage just runs. */
export type StageTimer = <T>(name: 'model' | 'metrics', stage: () => Promise<T>) => Promise<T>;

const untimed: StageTimer = (_name, stage) => stage();

/**
 * Explain one image.
 *
 * @example
 * const feed = new ModelFeed(session, manifest);
 * const e = await explainImage(feed, preprocess(image, spec).data, { compute, metrics: [] });
 * e.explained[0].map; // the first target's map
 */
export async function explainImage(
  feed: ModelFeed,
  input: Float32Array,
  req: ExplainRequest,
  time: StageTimer = untimed,
): Promise<Explanation> {
  const before = feed.runCount;
  const computed = await time('model', () => computeMaps(feed, input, req.compute));
  const probabilities = softmax(computed.logits);
  const first = computed.explained[0];
  const classIndex = first.target.classIndex;
  const measured =
    req.metrics.length === 0
      ? undefined
      : await time('metrics', () => explanationMetrics(feed, input, first.map, classIndex, probabilities[classIndex], req.metrics));
  return {
    logits: computed.logits,
    probabilities,
    explained: computed.explained,
    ...(measured ? { metrics: measured.values } : {}),
    runs: feed.runCount - before,
  };
}
