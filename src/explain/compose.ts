/**
 * @module
 * Putting maps together: several layers' maps combined (each min-max scaled and resized to the input's
 * size, then averaged as pytorch-grad-cam's `aggregate_multi_layers` does, or multiplied as RefineCAM does),
 * and horizontal-flip test-time augmentation (the flipped image's map flipped back, then averaged with the
 * original's, each scaled to [0, 1] first, as pytorch-grad-cam's `aug_smooth` averages scaled maps).
 */
import { minMaxScale } from '../image/render/normalize.js';
import { resizeBilinear } from '../image/render/upsample.js';
import { unitMap } from '../image/index.js';
import type { FloatMap } from '../image/index.js';

/** How several layers' maps are combined. */
export type Combine = 'mean' | 'product';

/**
 * Several maps as one at width x height: 'mean' = pytorch-grad-cam (scale, resize, ReLU, mean, scale);
 * 'product' = RefineCAM (scale, resize, product, scale).
 *
 * @example
 * combineMaps([deep, mid], 'product', 128, 128);
 */
export function combineMaps(maps: readonly FloatMap[], mode: Combine, width: number, height: number): FloatMap {
  if (mode === 'mean') return unitMap(maps, width, height);
  const product = new Float32Array(width * height).fill(1);
  for (const map of maps) {
    const up = resizeBilinear(minMaxScale(map), width, height).data;
    for (let i = 0; i < product.length; i++) product[i] *= Math.max(up[i], 0);
  }
  return minMaxScale({ width, height, data: product });
}

/** The map mirrored left-right. */
export function flipMap(map: FloatMap): FloatMap {
  const { width, height } = map;
  const data = new Float32Array(map.data.length);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = map.data[y * width + width - 1 - x];
  return { width, height, data };
}

/** A model input (one image, NCHW planes or NHWC pixels) mirrored left-right. */
export function flipInput(input: Float32Array, layout: 'NCHW' | 'NHWC', height: number, width: number): Float32Array {
  const channels = input.length / (height * width);
  const out = new Float32Array(input.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const [to, from] =
          layout === 'NCHW'
            ? [(c * height + y) * width + x, (c * height + y) * width + width - 1 - x]
            : [(y * width + x) * channels + c, (y * width + width - 1 - x) * channels + c];
        out[to] = input[from];
      }
    }
  }
  return out;
}

/** The mean of an image's map and its flipped image's map (already flipped back), each scaled to [0, 1]. */
export function averageFlip(original: FloatMap, unflipped: FloatMap): FloatMap {
  const a = minMaxScale(original).data;
  const b = minMaxScale(unflipped).data;
  return { width: original.width, height: original.height, data: Float32Array.from(a, (v, i) => (v + b[i]) / 2) };
}
