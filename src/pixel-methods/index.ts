/**
 * @module
 * Pixel-level methods: maps at the input's full resolution from gradients with respect to the image itself
 * (prepared models with `--input-gradients`, src/manifest.ts `input` layers). They sit beside the CAM
 * family (src/cam), which works on one layer's A and G; each is registered in registry.ts with what it
 * needs from the model run, and the engine (src/explain/compute.ts) runs the seeds they need.
 * - `saliency`: max_c |dS/dx| (Simonyan et al. 2013).
 * - `smoothgrad`: saliency averaged over n noisy copies (Smilkov et al. 2017), batched runs.
 * - `guided-gradcam`: Grad-CAM upsampled x Guided Backprop (Selvaraju et al. 2017).
 */
export { saliencyMap } from './saliency.js';
export { smoothGradMap, noisyCopies } from './smoothgrad.js';
export { guidedGradCamMap } from './guided-grad-cam.js';
export { isPixelMethod, PIXEL_METHODS, pixelMethod, type PixelInput, type PixelMethod, type PixelNeeds } from './registry.js';
