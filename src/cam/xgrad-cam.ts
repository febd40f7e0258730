/**
 * @module
 * XGrad-CAM (Fu et al. 2020, arXiv:2008.02312, eq. 8): w_c = sum_ij(G_c A_c) / (sum_ij A_c + 1e-7);
 * map = ReLU(sum_c w_c A_c). The epsilon is added with its sign, as in pytorch-grad-cam.
 */
import { CamMethod, type CamInput } from './base.js';

/** The epsilon of the weight denominator (pytorch-grad-cam `xgrad_cam.py`). */
export const XGRADCAM_EPS = 1e-7;

/** XGrad-CAM: activation-weighted gradient sums as channel weights. */
export class XGradCam extends CamMethod {
  readonly name = 'xgradcam';
  override readonly hasChannelWeights = true;

  protected override channelWeights(input: CamInput): Float64Array {
    const plane = input.height * input.width;
    const { activation: a, gradient: g } = input;
    const weights = new Float64Array(input.channels);
    for (let c = 0; c < input.channels; c++) {
      let ga = 0;
      let sa = 0;
      for (let i = c * plane; i < (c + 1) * plane; i++) {
        ga += g![i] * a[i];
        sa += a[i];
      }
      weights[c] = ga / (sa + XGRADCAM_EPS);
    }
    return weights;
  }
}
