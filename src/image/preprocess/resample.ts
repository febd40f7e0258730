/**
 * @module
 * Antialiased bilinear resizing of 8-bit RGB, bit-exact with Pillow's `Image.resize(size, BILINEAR)`
 * (libImaging/Resample.c), which is what torchvision's `Resize` does to PIL images. The triangle filter
 * widens by the scale factor when downscaling (antialiasing), coefficients are normalised, converted to
 * 22-bit fixed point and applied separably: horizontal pass to 8 bits, then vertical pass to 8 bits.
 *
 * Cropping after resizing (torchvision's `Resize` then `CenterCrop`) is folded in: only the output
 * pixels inside the crop are computed, with the coefficients of the full-size resize.
 */
import type { Box, RgbImage } from '../types.js';

const PRECISION_BITS = 32 - 8 - 2;
const HALF = 1 << (PRECISION_BITS - 1);

/** Integer taps of one axis: for output i, `count[i]` weights starting at input `first[i]`. */
export interface Taps {
  readonly first: Int32Array;
  readonly count: Int32Array;
  /** Fixed-point weights, `stride` per output (unused ones zero). */
  readonly weights: Int32Array;
  readonly stride: number;
}

/** A window of the resized image: output pixels [start, start + length) along one axis. */
export interface Window {
  readonly start: number;
  readonly length: number;
}

/** The source interval [start, end) that is resized (Pillow's `box`, stored as float32 like Pillow). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * Pillow's precompute_coeffs + normalize_coeffs_8bpc for a resize of the span of `inSize` (default all)
 * to `outSize`, restricted to the outputs of `window`.
 */
export function bilinearTaps(inSize: number, outSize: number, window: Window, span: Span = { start: 0, end: inSize }): Taps {
  const in0 = Math.fround(span.start);
  const scale = Math.fround(Math.fround(span.end) - in0) / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // the triangle's support is 1, widened by the filter scale
  const stride = Math.ceil(support) * 2 + 1;
  const taps = {
    first: new Int32Array(window.length),
    count: new Int32Array(window.length),
    weights: new Int32Array(window.length * stride),
    stride,
  };
  const inverse = 1 / filterScale; // Pillow multiplies by the reciprocal (rounding differs from dividing)
  const raw = new Float64Array(stride);
  for (let i = 0; i < window.length; i++) {
    const center = in0 + (window.start + i + 0.5) * scale;
    const first = Math.max(Math.trunc(center - support + 0.5), 0);
    const count = Math.min(Math.trunc(center + support + 0.5), inSize) - first;
    let sum = 0;
    for (let k = 0; k < count; k++) {
      const w = Math.max(0, 1 - Math.abs((k + first - center + 0.5) * inverse));
      raw[k] = w;
      sum += w;
    }
    for (let k = 0; k < count; k++) {
      const w = sum !== 0 ? raw[k] / sum : raw[k];
      taps.weights[i * stride + k] = Math.trunc(w < 0 ? w * (1 << PRECISION_BITS) - 0.5 : w * (1 << PRECISION_BITS) + 0.5);
    }
    taps.first[i] = first;
    taps.count[i] = count;
  }
  return taps;
}

/** Pillow's clip8: fixed-point sum to a byte. */
function clip8(sum: number): number {
  if (sum >= 1 << (PRECISION_BITS + 8)) return 255;
  if (sum <= 0) return 0;
  return sum >> PRECISION_BITS;
}

/** Horizontal pass over rows [rowStart, rowStart + rows) of `src`. */
function horizontal(src: RgbImage, taps: Taps, rowStart: number, rows: number): RgbImage {
  const width = taps.first.length;
  const out = new Uint8Array(width * rows * 3);
  for (let y = 0; y < rows; y++) {
    const row = (rowStart + y) * src.width;
    for (let x = 0; x < width; x++) {
      let r = HALF;
      let g = HALF;
      let b = HALF;
      const base = x * taps.stride;
      for (let k = 0, s = (row + taps.first[x]) * 3; k < taps.count[x]; k++, s += 3) {
        const w = taps.weights[base + k];
        r += src.data[s] * w;
        g += src.data[s + 1] * w;
        b += src.data[s + 2] * w;
      }
      const o = (y * width + x) * 3;
      out[o] = clip8(r);
      out[o + 1] = clip8(g);
      out[o + 2] = clip8(b);
    }
  }
  return { width, height: rows, data: out };
}

/** Vertical pass; `taps.first` is relative to row `rowOffset` of `src`. */
function vertical(src: RgbImage, taps: Taps, rowOffset: number): RgbImage {
  const height = taps.first.length;
  const rowBytes = src.width * 3;
  const out = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const base = y * taps.stride;
    const first = (taps.first[y] - rowOffset) * rowBytes;
    for (let i = 0; i < rowBytes; i++) {
      let sum = HALF;
      for (let k = 0, s = first + i; k < taps.count[y]; k++, s += rowBytes) sum += src.data[s] * taps.weights[base + k];
      out[y * rowBytes + i] = clip8(sum);
    }
  }
  return { width: src.width, height, data: out };
}

/** A plain crop (used when an axis keeps its size: Pillow skips that pass). */
function cropRows(src: RgbImage, x: Window, y: Window): RgbImage {
  const out = new Uint8Array(x.length * y.length * 3);
  for (let row = 0; row < y.length; row++) {
    const s = ((y.start + row) * src.width + x.start) * 3;
    out.set(src.data.subarray(s, s + x.length * 3), row * x.length * 3);
  }
  return { width: x.length, height: y.length, data: out };
}

/** Which part of the resize to compute: windows of the output, or a source box (Pillow's `box`). */
export interface ResizeParts {
  /** Output columns to keep (default all). */
  readonly x?: Window;
  /** Output rows to keep (default all). */
  readonly y?: Window;
  /** Source rectangle to resize (default the whole image); fractional values allowed. */
  readonly box?: Box;
}

/**
 * Resize to `width` x `height` as Pillow does, optionally from a source box, keeping only a window
 * of the result.
 *
 * @example
 * resizeRgb(image, 256, 192);                                  // Image.resize((256, 192), BILINEAR)
 * resizeRgb(image, 298, 256, { x: { start: 37, length: 224 }, y: { start: 16, length: 224 } });
 * resizeRgb(image, 100, 100, { box: { x: 10.5, y: 0, width: 50, height: 50 } });
 */
export function resizeRgb(image: RgbImage, width: number, height: number, parts: ResizeParts = {}): RgbImage {
  const x = parts.x ?? { start: 0, length: width };
  const y = parts.y ?? { start: 0, length: height };
  const box = parts.box ?? { x: 0, y: 0, width: image.width, height: image.height };
  const spanX = { start: box.x, end: box.x + box.width };
  const spanY = { start: box.y, end: box.y + box.height };
  const needX = width !== image.width || spanX.start !== 0 || spanX.end !== width;
  const needY = height !== image.height || spanY.start !== 0 || spanY.end !== height;
  if (!needX && !needY) return cropRows(image, x, y);
  const tapsY = needY ? bilinearTaps(image.height, height, y, spanY) : null;
  const rowStart = tapsY ? tapsY.first[0] : y.start;
  const rows = tapsY ? tapsY.first[y.length - 1] + tapsY.count[y.length - 1] - rowStart : y.length;
  const wide = needX
    ? horizontal(image, bilinearTaps(image.width, width, x, spanX), rowStart, rows)
    : cropRows(image, x, { start: rowStart, length: rows });
  return tapsY ? vertical(wide, tapsY, rowStart) : wide;
}
