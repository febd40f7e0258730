/**
 * @module
 * The outline of a mask given on a coarse grid (a segmentation output's h x w) over a picture covering the
 * same area at another size: each picture pixel belongs to the grid cell under its centre (nearest
 * neighbour), and the outline is the band of mask pixels within `thickness` pixels (Chebyshev distance) of
 * a pixel outside the mask or of the picture's edge, so it lies inside the segment and traces all of its
 * boundary, holes included.
 */
import type { Rgb, RgbImage } from '../types.js';

/** The mask at the picture's size (1 = inside), nearest cell at each pixel centre. */
export function upsampleMask(mask: Uint8Array, gridWidth: number, gridHeight: number, width: number, height: number): Uint8Array {
  const cols = Int32Array.from({ length: width }, (_, x) => Math.min(gridWidth - 1, Math.floor(((x + 0.5) * gridWidth) / width)));
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = Math.min(gridHeight - 1, Math.floor(((y + 0.5) * gridHeight) / height)) * gridWidth;
    for (let x = 0; x < width; x++) out[y * width + x] = mask[row + cols[x]!]! ? 1 : 0;
  }
  return out;
}

/** 1 where some pixel within `r` along one axis (x when `horizontal`) is 0 or off the picture. */
function nearZero(m: Uint8Array, width: number, height: number, r: number, horizontal: boolean): Uint8Array {
  const out = new Uint8Array(m.length);
  const [lines, len] = horizontal ? [height, width] : [width, height];
  const at = (line: number, i: number) => (horizontal ? line * width + i : i * width + line);
  const zeros = new Int32Array(len + 1);
  for (let line = 0; line < lines; line++) {
    for (let i = 0; i < len; i++) zeros[i + 1] = zeros[i]! + (m[at(line, i)] ? 0 : 1);
    for (let i = 0; i < len; i++) {
      const lo = i - r;
      const hi = i + r;
      out[at(line, i)] = lo < 0 || hi >= len || zeros[hi + 1]! - zeros[lo]! > 0 ? 1 : 0;
    }
  }
  return out;
}

/**
 * Which picture pixels the outline covers (1), for a mask already at the picture's size: mask pixels with a
 * non-mask pixel (or the edge) within `thickness` in x and in y.
 *
 * @example
 * outlinePixels(upsampleMask(mask, 64, 64, 256, 256), 256, 256, 2);
 */
export function outlinePixels(mask: Uint8Array, width: number, height: number, thickness: number): Uint8Array {
  const t = Math.max(1, Math.round(thickness));
  // "a zero within the (2t+1)-square" is separable: mark pixels with a zero within t in their column,
  // then look for a marked pixel within t in the row.
  const inverted = nearZero(mask, width, height, t, false).map((v) => (v ? 0 : 1));
  const near = nearZero(inverted, width, height, t, true);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i] && near[i] ? 1 : 0;
  return out;
}

/**
 * Draw the outline of `mask` (gridWidth x gridHeight, 1 = inside) over `image`, in place.
 *
 * @example
 * drawMaskOutline(picture, mask, 64, 64, 2, [255, 0, 255]);
 */
export function drawMaskOutline(
  image: RgbImage,
  mask: Uint8Array,
  gridWidth: number,
  gridHeight: number,
  thickness: number,
  colour: Rgb,
): void {
  const up = upsampleMask(mask, gridWidth, gridHeight, image.width, image.height);
  const band = outlinePixels(up, image.width, image.height, thickness);
  for (let i = 0; i < band.length; i++) {
    if (!band[i]) continue;
    image.data[i * 3] = colour[0];
    image.data[i * 3 + 1] = colour[1];
    image.data[i * 3 + 2] = colour[2];
  }
}
