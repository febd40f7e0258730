/**
 * @module
 * Pixel-level methods: maps at the input's full resolution from gradients with respect to the image itself
 * (prepared models with `--input-gradients`, src/manifest.ts `input` layers). They sit beside the CAM
 * family (src/cam), which works on one layer's A and G; the explain service (src/routes/explain/compute.ts)
 * runs the seeds they need.
 * - `saliency`: max_c |dS/dx| (Simonyan et al. 2013).
 * - `smoothgrad`: saliency averaged over n noisy copies (Smilkov et al. 2017), one batch.
 * - `guided-gradcam`: Grad-CAM upsampled x Guided Backprop (Selvaraju et al. 2017).
 */
export { saliencyMap } from './saliency.js';
export { smoothGradMap, noisyCopies } from './smoothgrad.js';
export { guidedGradCamMap } from './guided-grad-cam.js';

/** Names of the pixel-level methods in the API (`method=`). */
export const PIXEL_METHODS = ['saliency', 'smoothgrad', 'guided-gradcam'] as const;

/** A pixel-level method's name. */
export type PixelMethod = (typeof PIXEL_METHODS)[number];

/** True when `name` is a pixel-level method. */
export function isPixelMethod(name: string): name is PixelMethod {
  return (PIXEL_METHODS as readonly string[]).includes(name);
}

/** What each pixel-level method needs from the model run. */
export const PIXEL_NEEDS: Record<PixelMethod, { plain: boolean; guided: boolean; layer: boolean }> = {
  saliency: { plain: true, guided: false, layer: false },
  smoothgrad: { plain: true, guided: false, layer: false },
  'guided-gradcam': { plain: false, guided: true, layer: true },
};
