/**
 * @module
 * RGB bytes to the model's float32 input, exactly as torchvision's `ToTensor` + `Normalize` compute it
 * in float32: x = v / 255 (rounded to float32), then (x - mean) / std with mean and std as float32.
 * Each channel is a 256-entry lookup table, so the cost is one table read per value.
 */
import type { RgbImage } from '../types.js';

/** Channel statistics and layout of the tensor. */
export interface TensorSpec {
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  /** Pixels are divided by this first (255: ToTensor's [0, 1]). */
  readonly scale?: number;
  /** 'NCHW' (PyTorch, default) or 'NHWC'. */
  readonly layout?: 'NCHW' | 'NHWC';
}

/** The float32 value of every byte for each channel. */
export function channelTables(spec: TensorSpec): Float32Array[] {
  const scale = Math.fround(spec.scale ?? 255);
  return [0, 1, 2].map((c) => {
    const mean = Math.fround(spec.mean[c]);
    const std = Math.fround(spec.std[c]);
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = Math.fround(Math.fround(v / scale) - mean) / std;
    return table;
  });
}

/**
 * The image as a batch of one, normalised.
 *
 * @example
 * toTensor(image, { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }); // length 3 * h * w
 */
export function toTensor(image: RgbImage, spec: TensorSpec): Float32Array {
  const [r, g, b] = channelTables(spec);
  const n = image.width * image.height;
  const out = new Float32Array(n * 3);
  const src = image.data;
  if (spec.layout === 'NHWC') {
    for (let i = 0; i < n * 3; i += 3) {
      out[i] = r[src[i]];
      out[i + 1] = g[src[i + 1]];
      out[i + 2] = b[src[i + 2]];
    }
    return out;
  }
  for (let i = 0, s = 0; i < n; i++, s += 3) {
    out[i] = r[src[s]];
    out[n + i] = g[src[s + 1]];
    out[2 * n + i] = b[src[s + 2]];
  }
  return out;
}
