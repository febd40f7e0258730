/**
 * @module
 * Saliency (Simonyan, Vedaldi & Zisserman 2013, arXiv:1312.6034, section 3.1, eq. 2-3): the gradient of the
 * class score with respect to the input image, w = dS/dx; the map at pixel (i, j) is max over colour
 * channels c of |w_c,ij|. Full input resolution, no layer involved.
 */
import type { PixelMethod } from './base.js';

/**
 * max_c |G_c,ij| of a C x H x W input gradient, H x W.
 *
 * @example
 * saliencyMap(Float32Array.of(1, -3, 2, 0), 2, 1, 2); // [2, 3]
 */
export function saliencyMap(gradient: Float32Array, channels: number, height: number, width: number): Float32Array {
  const plane = height * width;
  if (gradient.length !== channels * plane) throw new Error(`input gradient has ${gradient.length} values, expected ${channels * plane}`);
  const out = new Float32Array(plane);
  for (let c = 0; c < channels; c++) {
    for (let i = 0, j = c * plane; i < plane; i++, j++) {
      const v = Math.abs(gradient[j]);
      if (v > out[i]) out[i] = v;
    }
  }
  return out;
}

/** Saliency: one run with the input's plain gradient. */
export const saliency: PixelMethod = {
  name: 'saliency',
  needs: { plain: true, guided: false, gradcam: false },
  key: () => 'saliency',
  map: async ({ plain, channels, height, width }) => saliencyMap(plain!, channels, height, width),
};
