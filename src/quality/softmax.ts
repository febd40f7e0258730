/**
 * @module
 * Class probabilities from logits, for {@link Forward} callbacks over models that output raw logits.
 */

/**
 * Row-wise softmax of `rows` rows of logits (max-subtracted, accumulated in float64).
 *
 * @example
 * softmaxRows(Float32Array.of(0, 0, Math.log(3), 0), 2); // [0.5, 0.5, 0.75, 0.25]
 */
export function softmaxRows(logits: ArrayLike<number>, rows: number): Float32Array {
  const k = logits.length / rows;
  if (!Number.isInteger(k)) throw new RangeError(`${logits.length} logits do not split into ${rows} rows`);
  const out = new Float32Array(logits.length);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits[r * k + j]!);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits[r * k + j]! - max);
    for (let j = 0; j < k; j++) out[r * k + j] = Math.exp(logits[r * k + j]! - max) / sum;
  }
  return out;
}
