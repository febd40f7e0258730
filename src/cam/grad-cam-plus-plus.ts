/**
 * @module
 * Grad-CAM++ (Chattopadhyay et al. 2018, arXiv:1710.11063, eq. 19 with the exponential dropped, as in
 * pytorch-grad-cam): alpha = G^2 / (2 G^2 + (sum_ij A_c) G^3 + 1e-6), alpha = 0 where G = 0;
 * w_c = sum_ij alpha ReLU(G); map = ReLU(sum_c w_c A_c).
 */
import { CamMethod, type CamInput } from './base.js';

/** The epsilon of the alpha denominator (pytorch-grad-cam `grad_cam_plusplus.py`). */
export const GRADCAM_PP_EPS = 1e-6;

/**
 * Grad-CAM++ channel weights from the first three powers of the gradient, given separately so that
 * Smooth Grad-CAM++ can pass averages over noisy copies: `g1` = G (or mean G), `g2` = G^2, `g3` = G^3.
 */
export function plusPlusWeights(activation: Float32Array, g1: ArrayLike<number>, g2: ArrayLike<number>, g3: ArrayLike<number>, channels: number, plane: number): Float64Array {
  const weights = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    let sumA = 0;
    for (let i = c * plane; i < (c + 1) * plane; i++) sumA += activation[i];
    let w = 0;
    for (let i = c * plane; i < (c + 1) * plane; i++) {
      if (g2[i] === 0 || !(g1[i] > 0)) continue;
      w += (g2[i] / (2 * g2[i] + sumA * g3[i] + GRADCAM_PP_EPS)) * g1[i];
    }
    weights[c] = w;
  }
  return weights;
}

/** Grad-CAM++: pixel-weighted positive gradients as channel weights. */
export class GradCamPlusPlus extends CamMethod {
  readonly name = 'gradcam++';

  protected override channelWeights(input: CamInput): Float64Array {
    const g = input.gradient!;
    const g2 = new Float64Array(g.length);
    const g3 = new Float64Array(g.length);
    for (let i = 0; i < g.length; i++) {
      g2[i] = g[i] * g[i];
      g3[i] = g2[i] * g[i];
    }
    return plusPlusWeights(input.activation, g, g2, g3, input.channels, input.height * input.width);
  }
}
