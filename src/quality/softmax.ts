/**
 * @module
 * Class probabilities from logits: the one softmax of the project (max-subtracted, accumulated in float64),
 * for one row of logits and for rows of a batch.
 */

/**
 * Softmax of one row of logits, in float64.
 *
 * @example
 * softmax(Float32Array.of(0, Math.log(3))); // [0.25, 0.75]
 */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let j = 0; j < logits.length; j++) max = Math.max(max, logits[j]!);
  const out = Float64Array.from({ length: logits.length }, (_, j) => Math.exp(logits[j]! - max));
  let sum = 0;
  for (const v of out) sum += v;
  return out.map((v) => v / sum);
}

/**
 * Row-wise softmax of `rows` rows of logits (each row as {@link softmax}), stored as float32.
 *
 * @example
 * softmaxRows(Float32Array.of(0, 0, Math.log(3), 0), 2); // [0.5, 0.5, 0.75, 0.25]
 */
export function softmaxRows(logits: ArrayLike<number>, rows: number): Float32Array {
  const k = logits.length / rows;
  if (!Number.isInteger(k)) throw new RangeError(`${logits.length} logits do not split into ${rows} rows`);
  const out = new Float32Array(logits.length);
  for (let r = 0; r < rows; r++) out.set(softmax(Array.from({ length: k }, (_, j) => logits[r * k + j]!)), r * k);
  return out;
}
