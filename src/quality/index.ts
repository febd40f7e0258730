/**
 * @module
 * Explanation-quality metrics as pure functions over maps, masks and a `forward(batch) => probabilities`
 * callback, so that the quality benchmark (bench/quality) and the service can share them:
 * pointing game and energy-based pointing game, class-discriminativeness ratios, deletion and insertion
 * curves with their AUC, average drop and increase in confidence, and Spearman rank correlation for
 * weight-randomisation sanity checks.
 *
 * @example
 * const probs = await forward(batch, n); // n x K probabilities
 * const [curve] = await perturbationCurves(forward, { input, baseline, maps: [map], mode: 'insertion', steps: 16, classIndex });
 * areaUnderCurve(curve);
 */
export type { Forward, FloatMap, Mask } from './types.js';
export { argmax, energyInside, massInside, pointingHit } from './pointing.js';
export { massRatio, summariseRatios, type RatioSummary } from './discriminativeness.js';
export {
  areaUnderCurve,
  importanceOrder,
  perturbationCurves,
  perturbedInput,
  pixelsMoved,
  type PerturbationMode,
  type PerturbationOptions,
} from './perturbation.js';
export { confidenceChange, explanationInput, type ConfidencePair, type ConfidenceSummary } from './confidence.js';
export { averageRanks, pearson, spearman } from './rank-correlation.js';
export { softmax, softmaxRows } from './softmax.js';
export { gaussianBlur, gaussianKernel } from './blur.js';
