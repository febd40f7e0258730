/**
 * @module
 * NormGrad (Rebuffi et al. 2020, arXiv:2004.02866, "There and Back Again", the "scaling" variant on a
 * virtual 1x1 identity convolution, eq. 5): map_ij = ||A_:ij||_2 * ||G_:ij||_2, norms over channels.
 */
import { CamMethod, type CamInput } from './base.js';

/** NormGrad: the product of the activation's and the gradient's channel norms at each position. */
export class NormGrad extends CamMethod {
  readonly name = 'normgrad';

  protected override combine(input: CamInput): Float32Array {
    const plane = input.height * input.width;
    const a2 = new Float64Array(plane);
    const g2 = new Float64Array(plane);
    const { activation: a, gradient: g } = input;
    for (let c = 0; c < input.channels; c++) {
      for (let i = 0, j = c * plane; i < plane; i++, j++) {
        a2[i] += a[j] * a[j];
        g2[i] += g![j] * g![j];
      }
    }
    return Float32Array.from(a2, (v, i) => Math.sqrt(v) * Math.sqrt(g2[i]));
  }
}
