/**
 * @module
 * A target is a linear functional of one model output: T(y) = sum_i w_i * y[i] over the output of one
 * image, flattened in row-major order. The backward graph starts from sum(seed * output), so the seed of a
 * target is the dense vector w in the output's shape. Targets are kept sparse (segments, boxes and output
 * units touch few elements) and made dense only where a seed tensor is fed.
 */

/** A linear functional of one image's output (`size` elements), as parallel index and weight lists. */
export interface SparseTarget {
  /** Number of elements of one image's output (the product of its dims after the batch). */
  readonly size: number;
  /** Flat row-major indices into that output, each once. */
  readonly indices: Int32Array;
  readonly weights: Float32Array;
}

/**
 * The dense seed row of a target.
 *
 * @example
 * denseSeed({ size: 4, indices: Int32Array.of(2), weights: Float32Array.of(1) }); // [0, 0, 1, 0]
 */
export function denseSeed(target: SparseTarget): Float32Array {
  const seed = new Float32Array(target.size);
  for (let i = 0; i < target.indices.length; i++) seed[target.indices[i]!]! += target.weights[i]!;
  return seed;
}

/**
 * The value of the target on one image's output: sum_i w_i * y[i] (float64 accumulation).
 *
 * @example
 * targetValue(target, logits.subarray(0, target.size));
 */
export function targetValue(target: SparseTarget, output: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < target.indices.length; i++) sum += target.weights[i]! * output[target.indices[i]!]!;
  return sum;
}
