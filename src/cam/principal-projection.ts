/**
 * @module
 * The projection behind Eigen-CAM (Muhammad & Yeasin 2020, arXiv:2008.00299, eq. 5-6): X (C x h x w) as a
 * positions x channels matrix M, each channel centred over positions; the map is M_centred v, v the first
 * right singular vector. Equivalently s1 u1 (u1 the first left singular vector), so the eigenproblem is
 * solved on the smaller Gram matrix: positions x positions (M Mᵀ) or channels x channels (Mᵀ M).
 * The SVD's sign is arbitrary; it is fixed so that the map correlates positively with the (uncentred)
 * channel mean of X, and if that covariance is exactly 0, so that the entry of largest magnitude is positive
 * (the convention of tools/cam_reference.py).
 */
import { topEigenpair } from './symmetric-eigen.js';

/**
 * The first principal component map of `x` (C x P, channel-major, P = h w), length P.
 *
 * @example
 * principalProjection(activation, channels, height * width); // Eigen-CAM before the ReLU
 */
export function principalProjection(x: ArrayLike<number>, channels: number, plane: number): Float64Array {
  const centred = centredChannels(x, channels, plane);
  const map = plane <= channels ? viaPositions(centred, channels, plane) : viaChannels(centred, channels, plane);
  fixSign(map, channelMean(x, channels, plane));
  return map;
}

function centredChannels(x: ArrayLike<number>, channels: number, plane: number): Float64Array {
  const out = new Float64Array(channels * plane);
  for (let c = 0; c < channels; c++) {
    let mean = 0;
    for (let i = 0; i < plane; i++) mean += x[c * plane + i];
    mean /= plane;
    for (let i = 0; i < plane; i++) out[c * plane + i] = x[c * plane + i] - mean;
  }
  return out;
}

/** map = sqrt(lambda1) u1, u1 the top eigenvector of the P x P matrix M Mᵀ. */
function viaPositions(centred: Float64Array, channels: number, plane: number): Float64Array {
  const rows = new Float64Array(plane * channels); // position-major, so each Gram entry is one contiguous dot product
  for (let c = 0; c < channels; c++) for (let i = 0; i < plane; i++) rows[i * channels + c] = centred[c * plane + i];
  const gram = new Float64Array(plane * plane);
  for (let i = 0; i < plane; i++) {
    for (let j = i; j < plane; j++) {
      const s = dot(rows, i * channels, j * channels, channels);
      gram[i * plane + j] = s;
      gram[j * plane + i] = s;
    }
  }
  const { value, vector } = topEigenpair(gram, plane);
  const scale = Math.sqrt(Math.max(value, 0));
  return vector.map((u) => u * scale);
}

function dot(m: Float64Array, a: number, b: number, length: number): number {
  let s = 0;
  for (let k = 0; k < length; k++) s += m[a + k] * m[b + k];
  return s;
}

/** map = M v1, v1 the top eigenvector of the C x C matrix Mᵀ M. */
function viaChannels(centred: Float64Array, channels: number, plane: number): Float64Array {
  const gram = new Float64Array(channels * channels);
  for (let a = 0; a < channels; a++) {
    for (let b = a; b < channels; b++) {
      const s = dot(centred, a * plane, b * plane, plane);
      gram[a * channels + b] = s;
      gram[b * channels + a] = s;
    }
  }
  const { vector } = topEigenpair(gram, channels);
  const map = new Float64Array(plane);
  for (let c = 0; c < channels; c++) for (let i = 0; i < plane; i++) map[i] += centred[c * plane + i] * vector[c];
  return map;
}

function channelMean(x: ArrayLike<number>, channels: number, plane: number): Float64Array {
  const m = new Float64Array(plane);
  for (let c = 0; c < channels; c++) for (let i = 0; i < plane; i++) m[i] += x[c * plane + i];
  return m.map((v) => v / channels);
}

function fixSign(map: Float64Array, reference: Float64Array): void {
  const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length;
  const mm = mean(map);
  const mr = mean(reference);
  let cov = 0;
  for (let i = 0; i < map.length; i++) cov += (map[i] - mm) * (reference[i] - mr);
  let largest = 0;
  for (let i = 1; i < map.length; i++) if (Math.abs(map[i]) > Math.abs(map[largest])) largest = i;
  if (cov < 0 || (cov === 0 && map[largest] < 0)) for (let i = 0; i < map.length; i++) map[i] = -map[i];
}
