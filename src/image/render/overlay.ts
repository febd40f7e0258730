/**
 * @module
 * Blending a coloured heatmap over the image as pytorch-grad-cam's `show_cam_on_image` does
 * (pytorch_grad_cam/utils/image.py), in numpy's float32 arithmetic:
 *   heat = float32(heatmap) / 255; img = float32(image) / 255;
 *   cam = (1 - image_weight) * heat + image_weight * img;  cam = cam / max(cam);  uint8(255 * cam).
 * The division by the maximum brightens the result so its brightest channel value is 255.
 */
import type { RgbImage } from '../types.js';

const f32 = Math.fround;

/**
 * The overlay of `heat` on `image` (same size) with `imageWeight` in [0, 1] (pytorch-grad-cam: 0.5).
 *
 * @example
 * blendOverlay(heatmap, photo, 0.5);
 */
export function blendOverlay(heat: RgbImage, image: RgbImage, imageWeight: number): RgbImage {
  if (heat.width !== image.width || heat.height !== image.height) {
    throw new Error(`blendOverlay: heatmap ${heat.width}x${heat.height} and image ${image.width}x${image.height} differ`);
  }
  const heatWeight = f32(1 - imageWeight);
  const weight = f32(imageWeight);
  const byteToUnit = new Float32Array(256).map((_, v) => v / 255);
  const cam = new Float32Array(heat.data.length);
  let max = 0;
  for (let i = 0; i < cam.length; i++) {
    cam[i] = f32(heatWeight * byteToUnit[heat.data[i]]) + f32(weight * byteToUnit[image.data[i]]);
    if (cam[i] > max) max = cam[i];
  }
  const data = new Uint8Array(cam.length);
  if (max === 0) return { width: heat.width, height: heat.height, data };
  for (let i = 0; i < cam.length; i++) data[i] = Math.trunc(f32(255 * f32(cam[i] / max)));
  return { width: heat.width, height: heat.height, data };
}
