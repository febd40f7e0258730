/**
 * @module
 * Grad-CAM (Selvaraju et al. 2017, arXiv:1610.02391, eq. 1-2): w_c = (1 / hw) sum_ij dS/dA_c,ij, the
 * spatial mean of the gradient; map = ReLU(sum_c w_c A_c).
 */
import { CamMethod, spatialMean, type CamInput } from './base.js';

/** Grad-CAM: channel weights are the spatially averaged gradients. */
export class GradCam extends CamMethod {
  readonly name = 'gradcam';
  override readonly hasChannelWeights = true;

  protected override channelWeights(input: CamInput): Float64Array {
    return spatialMean(input.gradient!, input.channels, input.height * input.width);
  }
}
