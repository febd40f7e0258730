/**
 * @module
 * Applying an EXIF orientation (1..8) to an RGB image, so it is returned the way a viewer shows it.
 * Semantics as in EXIF 2.32 table 6 and Pillow's ImageOps.exif_transpose: 2 mirror, 3 rotate 180°,
 * 4 flip vertically, 5 transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° counter-clockwise.
 */
import type { RgbImage } from './types.js';

/**
 * The stored pixel shown at displayed (x, y) is `origin + x * stepX + y * stepY` (in pixels) of the
 * stored w x h image.
 */
interface Walk {
  readonly origin: number;
  readonly stepX: number;
  readonly stepY: number;
}

function walkFor(orientation: number, w: number, h: number): Walk | null {
  const last = (h - 1) * w;
  switch (orientation) {
    case 2:
      return { origin: w - 1, stepX: -1, stepY: w };
    case 3:
      return { origin: last + w - 1, stepX: -1, stepY: -w };
    case 4:
      return { origin: last, stepX: 1, stepY: -w };
    case 5:
      return { origin: 0, stepX: w, stepY: 1 };
    case 6:
      return { origin: last, stepX: -w, stepY: 1 };
    case 7:
      return { origin: last + w - 1, stepX: -w, stepY: -1 };
    case 8:
      return { origin: w - 1, stepX: w, stepY: -1 };
    default:
      return null;
  }
}

/**
 * The image as displayed for EXIF orientation `orientation` (returned unchanged for 1 or unknown).
 *
 * @example
 * orientImage(stored, 6); // width and height swap; the top row comes from the stored left column
 */
export function orientImage(image: RgbImage, orientation: number): RgbImage {
  const walk = walkFor(orientation, image.width, image.height);
  if (!walk) return image;
  const swap = orientation >= 5;
  const width = swap ? image.height : image.width;
  const height = swap ? image.width : image.height;
  const src = image.data;
  const data = new Uint8Array(width * height * 3);
  let o = 0;
  for (let y = 0; y < height; y++) {
    let s = walk.origin + y * walk.stepY;
    for (let x = 0; x < width; x++, s += walk.stepX, o += 3) {
      data[o] = src[s * 3];
      data[o + 1] = src[s * 3 + 1];
      data[o + 2] = src[s * 3 + 2];
    }
  }
  return { width, height, data };
}
