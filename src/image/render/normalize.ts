/**
 * @module
 * Min-max scaling of a CAM map as pytorch-grad-cam's `scale_cam_image` computes it
 * (pytorch_grad_cam/utils/image.py): `img = img - np.min(img); img = img / (1e-7 + np.max(img))`,
 * so the divisor is the range of the map plus 1e-7, not its maximum. Arithmetic follows numpy on a
 * float32 map: the subtraction and division round to float32; `1e-7 + max` is computed in float64
 * and rounded to float32 when it divides the float32 array.
 * Non-finite values (a method dividing by zero) count as 0 instead of poisoning the whole map.
 */
import type { FloatMap } from '../types.js';

/**
 * The map scaled to [0, 1) (all zeros for a constant map).
 *
 * @example
 * minMaxScale({ width: 2, height: 1, data: Float32Array.of(2, 4) }).data; // [0, 0.99999995]
 */
export function minMaxScale(map: FloatMap): FloatMap {
  const src = map.data;
  let min = Infinity;
  for (let i = 0; i < src.length; i++) {
    const v = Number.isFinite(src[i]) ? src[i] : 0;
    if (v < min) min = v;
  }
  const out = new Float32Array(src.length);
  let max = 0;
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    out[i] = (Number.isFinite(v) ? v : 0) - min; // Float32Array stores round to float32, as numpy's subtraction
    if (out[i] > max) max = out[i];
  }
  const divisor = Math.fround(1e-7 + max);
  for (let i = 0; i < out.length; i++) out[i] = out[i] / divisor;
  return { width: map.width, height: map.height, data: out };
}
