/**
 * @module
 * Guided Grad-CAM (Selvaraju et al. 2017, arXiv:1610.02391, section 3, "Guided Grad-CAM"): the Grad-CAM map,
 * upsampled to the input's resolution, multiplied pixel-wise with Guided Backpropagation (Springenberg et
 * al. 2015, arXiv:1412.6806: dS/dx where every ReLU passes back only positive gradients). As pytorch-grad-cam
 * does, the Grad-CAM map is first scaled to [0, 1] (scale_cam_image: min-max, bilinear resize). The product
 * is a C x H x W image; the map returned is its max over channels of the absolute value, the same reduction
 * as saliency, so it renders as one heatmap: map_ij = cam_ij * max_c |GB_c,ij| (cam >= 0).
 */
import type { FloatMap } from '../image/types.js';
import type { PixelMethod } from './base.js';
import { saliencyMap } from './saliency.js';

/**
 * @param cam the Grad-CAM map scaled to [0, 1] at the input's H x W
 * @param guided the Guided Backprop input gradient, C x H x W
 *
 * @example
 * guidedGradCamMap(unitMap([camMap], 128, 128), guidedGradient, 3);
 */
export function guidedGradCamMap(cam: FloatMap, guided: Float32Array, channels: number): Float32Array {
  const out = saliencyMap(guided, channels, cam.height, cam.width);
  for (let i = 0; i < out.length; i++) out[i] *= Math.max(cam.data[i], 0);
  return out;
}

/** Guided Grad-CAM: one run with the request's layers (Grad-CAM) and the input's guided gradient. */
export const guidedGradCam: PixelMethod = {
  name: 'guided-gradcam',
  needs: { plain: false, guided: true, gradcam: true },
  key: () => 'guided-gradcam',
  map: async ({ gradcam, guided, channels }) => guidedGradCamMap(gradcam!, guided!, channels),
};
