/**
 * @module
 * The leading eigenpair of a small symmetric matrix by the cyclic Jacobi method (Golub & Van Loan,
 * "Matrix Computations", 4th ed., section 8.5). Jacobi converges to full float64 accuracy whatever the gap
 * between the first two eigenvalues, which a power iteration would not (tools/README.md: s1/s2 is as small
 * as 1.07 in the reference cases). Cost: about 3 n^3 flops per sweep, 6-10 sweeps.
 */

/** The largest eigenvalue of a symmetric matrix and a unit eigenvector of it. */
export interface Eigenpair {
  value: number;
  vector: Float64Array;
}

const MAX_SWEEPS = 60;

/**
 * The eigenpair with the largest eigenvalue of the symmetric n x n matrix `m` (row-major, float64; it is
 * overwritten). The eigenvector's sign is arbitrary.
 *
 * @example
 * topEigenpair(Float64Array.of(2, 1, 1, 2), 2); // { value: 3, vector: [0.7071, 0.7071] } (up to sign)
 */
export function topEigenpair(m: Float64Array, n: number): Eigenpair {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    if (offDiagonal(m, n) <= 1e-30 * Math.max(diagonal(m, n), 1e-300)) break;
    for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) rotate(m, v, n, p, q);
  }
  let best = 0;
  for (let i = 1; i < n; i++) if (m[i * n + i] > m[best * n + best]) best = i;
  const vector = new Float64Array(n);
  for (let i = 0; i < n; i++) vector[i] = v[i * n + best];
  return { value: m[best * n + best], vector };
}

function offDiagonal(m: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += m[i * n + j] * m[i * n + j];
  return s;
}

function diagonal(m: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += m[i * n + i] * m[i * n + i];
  return s;
}

/**
 * Zero m[p][q] with the rotation J(p, q, theta) applied as Jᵀ m J, using the symmetry of m (rows p and q
 * and columns p and q change; the 2 x 2 block has closed-form entries), and accumulate it into v's columns.
 */
function rotate(m: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = m[p * n + q];
  if (apq === 0) return;
  const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    if (k === p || k === q) continue;
    const mkp = m[k * n + p];
    const mkq = m[k * n + q];
    const kp = c * mkp - s * mkq;
    const kq = s * mkp + c * mkq;
    m[k * n + p] = kp;
    m[p * n + k] = kp;
    m[k * n + q] = kq;
    m[q * n + k] = kq;
  }
  m[p * n + p] -= t * apq;
  m[q * n + q] += t * apq;
  m[p * n + q] = 0;
  m[q * n + p] = 0;
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p];
    const vkq = v[k * n + q];
    v[k * n + p] = c * vkp - s * vkq;
    v[k * n + q] = s * vkp + c * vkq;
  }
}
