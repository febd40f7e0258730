/**
 * @module
 * SmoothGrad (Smilkov et al. 2017, arXiv:1706.03825, eq. 2): the sensitivity map averaged over n copies of
 * the input with Gaussian noise N(0, sigma^2), sigma a fraction of the input's range (the paper's "noise
 * level", 10-20% works best). The sensitivity map here is {@link saliencyMap} (max over channels of |dS/dx|),
 * so SmoothGrad = (1/n) sum_i saliency(x + noise_i). The noisy copies (shared with Smooth Grad-CAM++:
 * seeded, reproducible) run as one batch of n images with n seed rows.
 */
import { DEFAULT_NOISE_SIGMA, DEFAULT_NOISY_COPIES, noisyCopies } from '../cam/smooth-grad-cam-plus-plus.js';
import type { PixelMethod } from './base.js';
import { saliencyMap } from './saliency.js';

export { noisyCopies, DEFAULT_NOISE_SIGMA, DEFAULT_NOISY_COPIES, MAX_NOISY_COPIES } from '../cam/smooth-grad-cam-plus-plus.js';

/**
 * The mean of the saliency maps of n input gradients (n x C x H x W, concatenated), H x W.
 *
 * @example
 * smoothGradMap(gradients, 8, 3, 128, 128);
 */
export function smoothGradMap(gradients: Float32Array, n: number, channels: number, height: number, width: number): Float32Array {
  const size = channels * height * width;
  if (gradients.length !== n * size) throw new Error(`gradients have ${gradients.length} values, expected ${n} x ${size}`);
  const sum = new Float64Array(height * width);
  for (let k = 0; k < n; k++) {
    const map = saliencyMap(gradients.subarray(k * size, (k + 1) * size), channels, height, width);
    for (let i = 0; i < map.length; i++) sum[i] += map[i];
  }
  return Float32Array.from(sum, (v) => v / n);
}

/**
 * SmoothGrad: the request's run gives the logits only (and the targets); the n noisy copies' input gradients
 * come from batched runs of their own.
 */
export const smoothGrad: PixelMethod = {
  name: 'smoothgrad',
  needs: { plain: false, guided: false, gradcam: false },
  key: ({ n, sigma }) => `smoothgrad(n=${n ?? DEFAULT_NOISY_COPIES},sigma=${sigma ?? DEFAULT_NOISE_SIGMA})`,
  extraImages: (n) => n,
  async map(p) {
    const gradients = await p.inputGradients(noisyCopies(p.input, p.n, p.sigma), p.n);
    return smoothGradMap(gradients, p.n, p.channels, p.height, p.width);
  },
};
