/**
 * @module
 * Average drop and increase in confidence (Chattopadhyay et al. 2018, Grad-CAM++, arXiv:1710.11063,
 * section 5.1): the image is multiplied pixel-wise by the map (in [0, 1]), so only what the map keeps is
 * shown; Y is the class probability on the image, O on the explanation map E = map * image.
 * Average drop = 100 / N * sum max(0, Y - O) / Y (lower is better); increase in confidence =
 * 100 / N * #{O > Y} (higher is better). Inputs are normalised model inputs, channel-planar (C x H x W):
 * the product is taken on the pixels in [0, 1], x = input * std + mean, then normalised again.
 */
import type { FloatMap } from './types.js';

/**
 * The normalised input of the explanation map E = map * image:
 * (map * (x * std + mean) - mean) / std = map * x + (map - 1) * mean / std, per channel.
 *
 * @example
 * explanationInput(tensor, unit, [0.5, 0.5, 0.5], [0.25, 0.25, 0.25]); // where map = 0 the pixel is black
 */
export function explanationInput(input: Float32Array, map: FloatMap, mean: readonly number[], std: readonly number[]): Float32Array {
  const plane = map.data.length,
    channels = input.length / plane;
  if (!Number.isInteger(channels) || mean.length !== channels || std.length !== channels) {
    throw new RangeError(
      `input of ${input.length} values does not match a ${map.width}x${map.height} map and ${mean.length} channel statistics`,
    );
  }
  const out = new Float32Array(input.length);
  for (let c = 0; c < channels; c++) {
    const shift = mean[c]! / std[c]!;
    for (let i = 0, o = c * plane; i < plane; i++, o++) {
      const m = map.data[i]!;
      out[o] = m * input[o]! + (m - 1) * shift;
    }
  }
  return out;
}

/** Class probabilities on the image (Y) and on its explanation map (O), for one explained image. */
export interface ConfidencePair {
  original: number;
  explained: number;
}

/** Average drop and increase in confidence, in percent. */
export interface ConfidenceSummary {
  averageDrop: number;
  increase: number;
  count: number;
}

/**
 * Average drop and increase in confidence over many explained images.
 *
 * @example
 * confidenceChange([{ original: 0.8, explained: 0.4 }, { original: 0.5, explained: 0.6 }]);
 * // { averageDrop: 25, increase: 50, count: 2 }
 */
export function confidenceChange(pairs: readonly ConfidencePair[]): ConfidenceSummary {
  let drop = 0,
    increased = 0;
  for (const { original, explained } of pairs) {
    if (!(original > 0)) throw new RangeError(`the class probability on the image must be positive (got ${original})`);
    drop += Math.max(0, original - explained) / original;
    if (explained > original) increased++;
  }
  const n = pairs.length;
  return { averageDrop: n ? (100 * drop) / n : NaN, increase: n ? (100 * increased) / n : NaN, count: n };
}
