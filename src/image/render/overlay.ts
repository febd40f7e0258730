/**
 * @module
 * Blending a coloured heatmap over the image as pytorch-grad-cam's `show_cam_on_image` does
 * (pytorch_grad_cam/utils/image.py), in numpy's float32 arithmetic:
 *   heat = float32(heatmap) / 255; img = float32(image) / 255;
 *   cam = (1 - image_weight) * heat + image_weight * img;  cam = cam / max(cam);  uint8(255 * cam).
 * The division by the maximum brightens the result so its brightest channel value is 255.
 *
 * Both inputs are bytes, so every term is a 256-entry table and the result a function of the byte
 * pair: the per-pixel work is two table reads for the maximum and one for the output.
 */
import type { RgbImage } from '../types.js';

const f32 = Math.fround;

/** `weight * (v / 255)` in float32 for every byte v. */
function weightedTable(weight: number): Float32Array {
  const w = f32(weight);
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = f32(w * f32(v / 255));
  return table;
}

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
  if (!(imageWeight >= 0 && imageWeight <= 1)) throw new RangeError(`blendOverlay: image weight ${imageWeight} is not in [0, 1]`);
  const heatTerm = weightedTable(1 - imageWeight);
  const imageTerm = weightedTable(imageWeight);
  const h = heat.data;
  const g = image.data;
  let max = 0;
  for (let i = 0; i < h.length; i++) {
    const cam = f32(heatTerm[h[i]] + imageTerm[g[i]]);
    if (cam > max) max = cam;
  }
  const data = new Uint8Array(h.length);
  if (max === 0) return { width: heat.width, height: heat.height, data };
  const result = new Uint8Array(65536);
  for (let a = 0; a < 256; a++) {
    for (let b = 0; b < 256; b++) result[(a << 8) | b] = Math.trunc(f32(255 * f32(f32(heatTerm[a] + imageTerm[b]) / max)));
  }
  for (let i = 0; i < h.length; i++) data[i] = result[(h[i] << 8) | g[i]];
  return { width: heat.width, height: heat.height, data };
}
