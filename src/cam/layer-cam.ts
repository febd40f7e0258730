/**
 * @module
 * LayerCAM (Jiang et al. 2021, IEEE TIP 30, eq. 5-6): each position keeps its own weight, the positive
 * gradient: map = ReLU(sum_c ReLU(G_c) * A_c).
 */
import { CamMethod, type CamInput } from './base.js';

/** LayerCAM: sum over channels of ReLU(G) * A. */
export class LayerCam extends CamMethod {
  readonly name = 'layercam';

  protected override combine(input: CamInput): Float32Array {
    const plane = input.height * input.width;
    const acc = new Float64Array(plane);
    const { activation: a, gradient: g } = input;
    for (let c = 0; c < input.channels; c++) {
      for (let i = 0, j = c * plane; i < plane; i++, j++) if (g![j] > 0) acc[i] += g![j] * a[j];
    }
    return Float32Array.from(acc);
  }
}
