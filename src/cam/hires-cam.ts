/**
 * @module
 * HiResCAM (Draelos & Carin 2020, arXiv:2011.08891, eq. 4): the gradient multiplies the activation
 * element-wise before the channel sum, with no spatial averaging: map = ReLU(sum_c G_c * A_c).
 */
import { CamMethod, type CamInput } from './base.js';

/** HiResCAM: sum over channels of G * A. */
export class HiResCam extends CamMethod {
  readonly name = 'hirescam';

  protected override combine(input: CamInput): Float32Array {
    const plane = input.height * input.width;
    const acc = new Float64Array(plane);
    const { activation: a, gradient: g } = input;
    for (let c = 0; c < input.channels; c++) {
      for (let i = 0, j = c * plane; i < plane; i++, j++) acc[i] += g![j] * a[j];
    }
    return Float32Array.from(acc);
  }
}
