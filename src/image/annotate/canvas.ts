/**
 * @module
 * Filled rectangles on an RGB image, clipped to it: the one primitive box outlines, label plates, glyph
 * pixels and segment outlines are drawn with. Coordinates are whole pixels, x1 and y1 exclusive.
 */
import type { Rgb, RgbImage } from '../types.js';

/**
 * Paint the pixels x0 <= x < x1, y0 <= y < y1 (clipped to the image) with `colour`, in place.
 *
 * @example
 * fillRect(picture, 10, 10, 20, 12, [255, 0, 255]); // a 10 x 2 bar
 */
export function fillRect(image: RgbImage, x0: number, y0: number, x1: number, y1: number, colour: Rgb): void {
  const xa = Math.max(0, Math.floor(x0));
  const ya = Math.max(0, Math.floor(y0));
  const xb = Math.min(image.width, Math.floor(x1));
  const yb = Math.min(image.height, Math.floor(y1));
  const [r, g, b] = colour;
  for (let y = ya; y < yb; y++) {
    for (let x = xa; x < xb; x++) {
      const i = (y * image.width + x) * 3;
      image.data[i] = r;
      image.data[i + 1] = g;
      image.data[i + 2] = b;
    }
  }
}

/**
 * The outline of the rectangle x0..x1, y0..y1 (whole pixels, x1 and y1 exclusive), `thickness` pixels wide
 * and drawn inside it, so the drawn pixels never leave the box.
 *
 * @example
 * strokeRect(picture, 10, 10, 50, 40, 2, [255, 0, 255]);
 */
export function strokeRect(image: RgbImage, x0: number, y0: number, x1: number, y1: number, thickness: number, colour: Rgb): void {
  const t = Math.max(1, Math.min(thickness, Math.ceil((x1 - x0) / 2), Math.ceil((y1 - y0) / 2)));
  fillRect(image, x0, y0, x1, y0 + t, colour);
  fillRect(image, x0, y1 - t, x1, y1, colour);
  fillRect(image, x0, y0, x0 + t, y1, colour);
  fillRect(image, x1 - t, y0, x1, y1, colour);
}
