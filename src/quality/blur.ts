/**
 * @module
 * Gaussian blur of a channel-planar input: the starting point of RISE's insertion metric (Petsiuk et al.
 * 2018 blur the image with an 11 x 11 kernel of sigma 5 and insert the original pixels into it).
 */

/** The normalised 1-D Gaussian kernel of `size` taps (odd) and standard deviation `sigma`. */
export function gaussianKernel(size: number, sigma: number): Float64Array {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) throw new RangeError('the kernel size must be a positive odd integer');
  const half = (size - 1) / 2,
    k = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) sum += k[i] = Math.exp(-((i - half) ** 2) / (2 * sigma * sigma));
  for (let i = 0; i < size; i++) k[i]! /= sum;
  return k;
}

/**
 * Separable Gaussian blur of each of the channels of a C x H x W tensor; samples past the border repeat
 * the edge.
 *
 * @example
 * const start = gaussianBlur(input, 3, 128, 128); // RISE's 11-tap, sigma 5 kernel
 */
export function gaussianBlur(input: Float32Array, channels: number, height: number, width: number, size = 11, sigma = 5): Float32Array {
  if (input.length !== channels * height * width) throw new RangeError(`${input.length} values are not ${channels} x ${height} x ${width}`);
  const k = gaussianKernel(size, sigma),
    half = (size - 1) / 2;
  const clamp = (v: number, n: number) => (v < 0 ? 0 : v >= n ? n - 1 : v);
  const tmp = new Float64Array(height * width),
    out = new Float32Array(input.length);
  for (let c = 0; c < channels; c++) {
    const base = c * height * width;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let s = 0;
        for (let t = 0; t < size; t++) s += k[t]! * input[base + y * width + clamp(x + t - half, width)]!;
        tmp[y * width + x] = s;
      }
    }
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let s = 0;
        for (let t = 0; t < size; t++) s += k[t]! * tmp[clamp(y + t - half, height) * width + x]!;
        out[base + y * width + x] = s;
      }
    }
  }
  return out;
}
