/**
 * @module
 * Explanation-quality metrics on request (`metrics=drop,increase,deletion,insertion`), for the first
 * target's map, with the pure functions of src/quality over batched forward passes of the served model:
 * - drop, increase (Grad-CAM++ paper, section 5.1): the class probability Y on the image and O on the
 *   image multiplied by the map; drop = 100 max(0, Y - O) / Y, increase = 100 if O > Y else 0 (for one
 *   image; averaged over images they are the paper's average drop and increase in confidence). 1 run.
 * - deletion, insertion (RISE, Petsiuk et al. 2018): pixels moved in the map's order in
 *   {@link METRIC_STEPS} equal steps, from the image to black (deletion) or from a blurred image (11 x 11,
 *   sigma 5) to the image (insertion); the AUC of the class probability. {@link METRIC_STEPS} + 1 images
 *   each, in batches of the model's batch limit (src/explain/model-feed.ts).
 * The map is scaled to [0, 1] and resized to the input (as rendered). Channel-planar (NCHW) inputs only.
 */
import { ApiError } from '../errors.js';
import { unitMap, type FloatMap } from '../image/index.js';
import type { Manifest } from '../manifest.js';
import {
  areaUnderCurve,
  confidenceChange,
  explanationInput,
  gaussianBlur,
  perturbationCurves,
  softmaxRows,
  type Forward,
} from '../quality/index.js';
import type { ModelFeed } from './model-feed.js';

/** The metrics a request may ask for. */
export const METRICS = ['drop', 'increase', 'deletion', 'insertion'] as const;
export type Metric = (typeof METRICS)[number];

/** Steps of the deletion and insertion curves (steps + 1 images per curve). */
export const METRIC_STEPS = 15;

/** Metric values by name, and the model runs they took. */
export interface MetricValues {
  values: Partial<Record<Metric, number>>;
  runs: number;
}

/** The normalised input of an all-black image. */
function blackInput(manifest: Manifest, plane: number): Float32Array {
  const { mean, std } = manifest.input;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) out.fill((0 - mean[c]) / std[c], c * plane, (c + 1) * plane);
  return out;
}

/**
 * Compute the requested metrics of `map` for `classIndex`, whose probability on the image is `probability`.
 *
 * @example
 * const { values } = await explanationMetrics(feed, pre.data, map, 3, 0.91, ['deletion']);
 */
export async function explanationMetrics(
  feed: ModelFeed,
  input: Float32Array,
  map: FloatMap,
  classIndex: number,
  probability: number,
  wanted: readonly Metric[],
): Promise<MetricValues> {
  const { manifest } = feed;
  if (manifest.input.layout !== 'NCHW')
    throw new ApiError(400, 'bad_option', "Option 'metrics': only models with NCHW input support metrics.", { option: 'metrics' });
  const { width, height } = feed.inputSize;
  const unit = unitMap([map], width, height);
  let runs = 0;
  const forward: Forward = async (batch, count) => {
    const r = await feed.batchLogits(batch, count);
    runs += r.runs;
    return softmaxRows(r.logits, count);
  };
  const values: Partial<Record<Metric, number>> = {};
  if (wanted.includes('drop') || wanted.includes('increase')) {
    const explained = (await forward(explanationInput(input, unit, manifest.input.mean, manifest.input.std), 1))[classIndex];
    const change = confidenceChange([{ original: probability, explained }]);
    if (wanted.includes('drop')) values.drop = change.averageDrop;
    if (wanted.includes('increase')) values.increase = change.increase;
  }
  const curve = async (mode: 'deletion' | 'insertion', baseline: Float32Array) => {
    const [c] = await perturbationCurves(forward, {
      input,
      baseline,
      maps: [unit],
      mode,
      steps: METRIC_STEPS,
      classIndex,
      batchSize: METRIC_STEPS + 1,
    });
    return areaUnderCurve(c);
  };
  if (wanted.includes('deletion')) values.deletion = await curve('deletion', blackInput(manifest, width * height));
  if (wanted.includes('insertion'))
    values.insertion = await curve('insertion', gaussianBlur(input, input.length / (width * height), height, width));
  return { values, runs };
}
