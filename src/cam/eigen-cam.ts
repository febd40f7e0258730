/**
 * @module
 * Eigen-CAM (Muhammad & Yeasin 2020, arXiv:2008.00299): the activation's first principal component over
 * positions, with no gradient and no class: map = ReLU(projection of A), see principal-projection.ts.
 */
import { CamMethod, type CamInput } from './base.js';
import { principalProjection } from './principal-projection.js';

/** Eigen-CAM: class-agnostic, gradient-free. */
export class EigenCam extends CamMethod {
  readonly name = 'eigencam';
  override readonly needsGradient = false;

  protected override combine(input: CamInput): Float32Array {
    return Float32Array.from(principalProjection(input.activation, input.channels, input.height * input.width));
  }
}
