/**
 * @module
 * The activation threshold of a unit in Network Dissection (Bau et al. 2017, arXiv:1704.05796, §2.2): the
 * value T_k such that P(a_k > T_k) = q over every spatial position of every image of the concept dataset
 * (q = 0.005 in NetDissect). Computed as numpy's default quantile (`np.quantile(values, 1 - q)`, linear
 * interpolation between the two nearest order statistics), so tools/dissect-reference.py checks it.
 */

/** NetDissect's top quantile: a unit is "on" where its activation is in the top 0.5% of the dataset. */
export const TOP_QUANTILE = 0.005;

/**
 * The (1 - q) quantile of `values` (not modified), with numpy's linear interpolation.
 *
 * @example
 * topQuantileThreshold(Float32Array.of(0, 1, 2, 3, 4), 0.25); // 3
 */
export function topQuantileThreshold(values: ArrayLike<number>, q: number = TOP_QUANTILE): number {
  if (values.length === 0) throw new RangeError('no values to take a quantile of');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is not in [0, 1]`);
  const sorted = Float64Array.from(values).sort();
  const pos = (sorted.length - 1) * (1 - q);
  const lo = Math.floor(pos),
    hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Every unit's threshold from the activations of `count` images (each C x plane, concatenated image after
 * image): unit c's values are gathered over all images and positions.
 */
export function unitThresholds(
  activations: Float32Array,
  count: number,
  channels: number,
  plane: number,
  q: number = TOP_QUANTILE,
): Float64Array {
  if (activations.length !== count * channels * plane)
    throw new RangeError(`${activations.length} activations, expected ${count} x ${channels} x ${plane}`);
  const out = new Float64Array(channels);
  const values = new Float32Array(count * plane);
  for (let c = 0; c < channels; c++) {
    for (let n = 0; n < count; n++) values.set(activations.subarray((n * channels + c) * plane, (n * channels + c + 1) * plane), n * plane);
    out[c] = topQuantileThreshold(values, q);
  }
  return out;
}
