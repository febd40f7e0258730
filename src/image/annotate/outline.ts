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

/**
 * Pixels of `m` (width x height) with a zero (or the picture's edge) within `r` rows above or below:
 * distances to the nearest zero above and below, carried row by row (row-major, so cache-friendly).
 */
function nearZeroVertical(m: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const up = new Uint16Array(m.length);
  for (let x = 0; x < width; x++) up[x] = m[x] ? 1 : 0; // the row above the picture counts as a zero
  for (let i = width; i < m.length; i++) up[i] = m[i] ? Math.min(65535, up[i - width]! + 1) : 0;
  const out = new Uint8Array(m.length);
  const down = new Uint16Array(width);
  for (let y = height - 1; y >= 0; y--)
    for (let x = 0, i = y * width; x < width; x++, i++) {
      down[x] = m[i] ? (y === height - 1 ? 1 : Math.min(65535, down[x]! + 1)) : 0;
      out[i] = up[i]! <= r || down[x]! <= r ? 1 : 0;
    }
  return out;
}

/** The same along rows: a zero (or the edge) within `r` pixels left or right. */
function nearZeroHorizontal(m: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const out = new Uint8Array(m.length);
  const left = new Uint16Array(width);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) left[x] = m[row + x] ? (x === 0 ? 1 : Math.min(65535, left[x - 1]! + 1)) : 0;
    let right = 0;
    for (let x = width - 1; x >= 0; x--) {
      right = m[row + x] ? (x === width - 1 ? 1 : Math.min(65535, right + 1)) : 0;
      out[row + x] = left[x]! <= r || right <= r ? 1 : 0;
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
  // then look for a marked pixel (a zero of the inverted marks) within t in the row.
  const column = nearZeroVertical(mask, width, height, t);
  for (let i = 0; i < column.length; i++) column[i] = column[i] ? 0 : 1;
  const near = nearZeroHorizontal(column, width, height, t);
  for (let i = 0; i < near.length; i++) near[i] = mask[i] && near[i] ? 1 : 0;
  return near;
}

/** The mask's bounding rectangle in picture pixels, one pixel larger on each side (clipped), or null when empty. */
function maskBounds(mask: Uint8Array, width: number, height: number): { x0: number; y0: number; x1: number; y1: number } | null {
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++)
    for (let x = 0, i = y * width; x < width; x++, i++)
      if (mask[i]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
  if (x1 < 0) return null;
  return { x0: Math.max(0, x0 - 1), y0: Math.max(0, y0 - 1), x1: Math.min(width, x1 + 2), y1: Math.min(height, y1 + 2) };
}

/**
 * Draw the outline of `mask` (gridWidth x gridHeight, 1 = inside) over `image`, in place. Only the mask's
 * bounding rectangle (one pixel larger, so its border is outside the mask or the picture's own edge) is
 * searched: the outline cannot lie elsewhere.
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
  const b = maskBounds(up, image.width, image.height);
  if (!b) return;
  const w = b.x1 - b.x0;
  const h = b.y1 - b.y0;
  const sub = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) sub.set(up.subarray((b.y0 + y) * image.width + b.x0, (b.y0 + y) * image.width + b.x1), y * w);
  const band = outlinePixels(sub, w, h, thickness);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if (!band[y * w + x]) continue;
      const i = ((b.y0 + y) * image.width + b.x0 + x) * 3;
      image.data[i] = colour[0];
      image.data[i + 1] = colour[1];
      image.data[i + 2] = colour[2];
    }
}
