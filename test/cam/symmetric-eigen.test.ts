/**
 * The symmetric eigen-solver behind Eigen-CAM (src/cam/symmetric-eigen.ts) on matrices built with a known
 * spectrum: K = Q diag(lambda) Qᵀ, Q a product of random Householder reflections. The leading eigenvalue
 * and eigenvector must come back to float64 rounding, including a top gap of 1e-6 and negative eigenvalues.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/cam/noise.js';
import { topEigenpair } from '../../src/cam/symmetric-eigen.js';

/** A random orthogonal n x n matrix (row-major), product of n Householder reflections. */
function orthogonal(n: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let r = 0; r < n; r++) {
    const u = Float64Array.from({ length: n }, () => next() - 0.5);
    const norm = Math.hypot(...u);
    u.forEach((x, i) => (u[i] = x / norm));
    for (let row = 0; row < n; row++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += q[row * n + k] * u[k];
      for (let k = 0; k < n; k++) q[row * n + k] -= 2 * dot * u[k];
    }
  }
  return q;
}

function withSpectrum(values: number[], seed: number): { m: Float64Array; q: Float64Array } {
  const n = values.length;
  const q = orthogonal(n, seed);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) m[i * n + j] += q[i * n + k] * values[k] * q[j * n + k];
  return { m, q };
}

const spectra: [string, number[]][] = [
  ['well separated', [5, 3, 2, 1, 0.5, 0.1]],
  ['top gap 1e-6', [1, 1 - 1e-6, 0.5, 0.2, 0.1, 0.05, 0.01, 0]],
  ['negative eigenvalues', [-9, 4, -3, 2.5, 0, -1]],
  ['Gram-like (rank 3 of 40)', [900, 400, 350, ...new Array(37).fill(0)]],
  ['one by one', [7]],
  ['decaying, 64', Array.from({ length: 64 }, (_, i) => 100 * 0.9 ** i)],
];

describe('topEigenpair', () => {
  it.each(spectra)('%s', (_name, values) => {
    const n = values.length;
    const { m, q } = withSpectrum(values, n);
    const before = m.slice();
    const { value, vector } = topEigenpair(m, n);
    expect(m).toEqual(before);
    const top = values.indexOf(Math.max(...values));
    const scale = Math.max(...values.map(Math.abs));
    expect(Math.abs(value - values[top]) / scale).toBeLessThan(1e-13);
    let dot = 0;
    for (let i = 0; i < n; i++) dot += vector[i] * q[i * n + top];
    const gap = values[top] - Math.max(...values.filter((_, i) => i !== top), -Infinity);
    // eigenvector error is at most about rounding / gap (Davis-Kahan)
    expect(1 - Math.abs(dot)).toBeLessThan(Math.max(1e-13, ((1e-14 * scale) / (Number.isFinite(gap) ? gap : 1)) ** 2 * 10));
    for (let i = 0; i < n; i++) {
      let kv = 0;
      for (let j = 0; j < n; j++) kv += before[i * n + j] * vector[j];
      expect(Math.abs(kv - value * vector[i]) / scale).toBeLessThan(1e-12);
    }
  });

  it('returns 0 and a unit vector for the zero matrix', () => {
    const { value, vector } = topEigenpair(new Float64Array(9), 3);
    expect(value).toBe(0);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 12);
  });
});
