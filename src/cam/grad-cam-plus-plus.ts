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
 * Grad-CAM++ channel weights from the first three powers of the gradient. Smooth Grad-CAM++ passes their
 * averages over noisy copies (`powers` = [mean G, mean G^2, mean G^3]); Grad-CAM++ passes G alone and the
 * powers are formed on the fly.
 */
export function plusPlusWeights(
  activation: Float32Array,
  powers: readonly [Float64Array, Float64Array, Float64Array] | Float32Array,
  channels: number,
  plane: number,
): Float64Array {
  const [g1, g2, g3] = powers instanceof Float32Array ? [powers, null, null] : powers;
  const weights = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    let sumA = 0;
    for (let i = c * plane; i < (c + 1) * plane; i++) sumA += activation[i];
    let w = 0;
    for (let i = c * plane; i < (c + 1) * plane; i++) {
      const d1 = g1[i];
      const d2 = g2 ? g2[i] : d1 * d1;
      if (d2 === 0 || !(d1 > 0)) continue;
      const d3 = g3 ? g3[i] : d2 * d1;
      w += (d2 / (2 * d2 + sumA * d3 + GRADCAM_PP_EPS)) * d1;
    }
    weights[c] = w;
  }
  return weights;
}

/** Grad-CAM++: pixel-weighted positive gradients as channel weights. */
export class GradCamPlusPlus extends CamMethod {
  readonly name = 'gradcam++';
  override readonly hasChannelWeights = true;

  protected override channelWeights(input: CamInput): Float64Array {
    return plusPlusWeights(input.activation, input.gradient!, input.channels, input.height * input.width);
  }
}
