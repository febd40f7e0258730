/**
 * @module
 * What the attention methods read: per transformer block, the attention probabilities P (softmax over the
 * key axis, one T x T matrix per head) of one image and, for gradient-weighted methods, dS/dP for the
 * explained target; plus where the patch tokens start. Matrices are row-major float64 T x T.
 */

/** One block's attention of one image. */
export interface AttentionBlock {
  /** heads x T x T probabilities, row-major (row = query token, column = key token). */
  probabilities: Float32Array;
  /** dS/dP, same shape (gradient-weighted methods only). */
  gradient?: Float32Array;
  heads: number;
  tokens: number;
}

/** T x T identity. */
export function identity(t: number): Float64Array {
  const m = new Float64Array(t * t);
  for (let i = 0; i < t; i++) m[i * t + i] = 1;
  return m;
}

/** a @ b for T x T matrices. */
export function matmul(a: Float64Array, b: Float64Array, t: number): Float64Array {
  const out = new Float64Array(t * t);
  for (let i = 0; i < t; i++) {
    for (let k = 0; k < t; k++) {
      const x = a[i * t + k]!;
      if (x === 0) continue;
      for (let j = 0; j < t; j++) out[i * t + j]! += x * b[k * t + j]!;
    }
  }
  return out;
}

/** The class token's row (token 0) over the patch tokens (from `prefixTokens` on), as float32. */
export function classRow(m: Float64Array, t: number, prefixTokens: number): Float32Array {
  return Float32Array.from(m.subarray(prefixTokens, t));
}
