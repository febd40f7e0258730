/**
 * @module
 * The PNG of a top=k request: the k rendered panels side by side, best class on the left (the header
 * X-Explanation-Classes lists the classes left to right).
 */
import type { RgbImage } from '../../image/index.js';

/**
 * Panels of equal height placed left to right.
 *
 * @example
 * horizontalStrip([a, b, c]).width; // a.width + b.width + c.width
 */
export function horizontalStrip(panels: readonly RgbImage[]): RgbImage {
  if (panels.length === 1) return panels[0];
  const height = panels[0].height;
  if (panels.some((p) => p.height !== height)) throw new Error('strip panels must have the same height');
  const width = panels.reduce((s, p) => s + p.width, 0);
  const data = new Uint8Array(width * height * 3);
  let x0 = 0;
  for (const p of panels) {
    for (let y = 0; y < height; y++) data.set(p.data.subarray(y * p.width * 3, (y + 1) * p.width * 3), (y * width + x0) * 3);
    x0 += p.width;
  }
  return { width, height, data };
}
