/**
 * @module
 * Central finite differences of L = sum(seed * logits) through onnxruntime-web's forward kernels: the
 * independent oracle for the gradient rules. Runs in float64 when ORT has double kernels for every op of
 * the case (eps 1e-5), otherwise in float32 (eps 1e-2; see the tolerance notes in ops.test.ts).
 */
import type { ModelSession, RunTensor } from '../../../src/runtime/runner.js';
import type { Precision } from './op-case.js';

/** The Jacobian of the logits w.r.t. one input: jac[i] is d logits / d x_i (flattened). */
export async function jacobian(
  session: ModelSession,
  precision: Precision,
  feeds: Record<string, { dims: number[]; data: Float64Array }>,
  wrt: string,
  logits: string,
  eps: number,
): Promise<Float64Array[]> {
  const base = feeds[wrt]!;
  const jac: Float64Array[] = [];
  const run = async (data: Float64Array): Promise<Float64Array> => {
    const all: Record<string, RunTensor> = {};
    for (const [k, v] of Object.entries(feeds)) all[k] = toRun(k === wrt ? data : v.data, v.dims, precision);
    const out = await session.run(all, [logits]);
    return Float64Array.from(out[logits]!.data as Float32Array | Float64Array);
  };
  for (let i = 0; i < base.data.length; i++) {
    const plus = new Float64Array(base.data);
    const minus = new Float64Array(base.data);
    plus[i]! += eps;
    minus[i]! -= eps;
    const [yp, ym] = [await run(plus), await run(minus)];
    jac.push(yp.map((v, j) => (v - ym[j]!) / (2 * eps)));
  }
  return jac;
}

/** A tensor for the runner in the given precision. */
export function toRun(data: Float64Array, dims: number[], precision: Precision): RunTensor {
  return precision === 'float64'
    ? { type: 'float64', dims, data: new Float64Array(data) }
    : { type: 'float32', dims, data: Float32Array.from(data) };
}

/** Vector-Jacobian product: g_i = sum_j seed_j * jac[i][j] over the logits elements `rows`. */
export function vjp(jac: readonly Float64Array[], seed: ArrayLike<number>, offset = 0): Float64Array {
  return Float64Array.from(jac, (col) => {
    let s = 0;
    for (let j = 0; j < seed.length; j++) s += seed[j]! * col[offset + j]!;
    return s;
  });
}

/** Relative L2 error |a - b| / max(|b|, tiny). */
export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12);
}
