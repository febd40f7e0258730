/**
 * @module
 * EigenGrad-CAM (pytorch-grad-cam's class-discriminative variant of Eigen-CAM): the first principal component
 * of G * A (element-wise) instead of A: map = ReLU(projection of G * A), see principal-projection.ts.
 */
import { CamMethod, type CamInput } from './base.js';
import { principalProjection } from './principal-projection.js';

/** EigenGrad-CAM: Eigen-CAM of the gradient-weighted activation. */
export class EigenGradCam extends CamMethod {
  readonly name = 'eigengradcam';

  protected override combine(input: CamInput): Float32Array {
    const { activation: a, gradient: g } = input;
    const product = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) product[i] = a[i] * g![i];
    return Float32Array.from(principalProjection(product, input.channels, input.height * input.width));
  }
}
