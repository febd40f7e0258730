/**
 * @module
 * From the model input's pixels back to the original image's: preprocessing resized the image (and maybe
 * cropped its centre, src/image/preprocess/geometry.ts), so the input covers `region` of the image at
 * `region.width / inputWidth` image pixels per input pixel. Boxes are clipped to the image.
 */
import type { Box } from '../image/types.js';
import type { Corners } from './boxes.js';

/** Where the model input came from: the covered region of the image (source pixels) and the sizes. */
export interface InputGeometry {
  /** `PreprocessedImage.region` (or `planResize(...).region`). */
  readonly region: Box;
  readonly inputWidth: number;
  readonly inputHeight: number;
  readonly imageWidth: number;
  readonly imageHeight: number;
}

const clamp = (v: number, hi: number) => Math.min(hi, Math.max(0, v));

/**
 * A box in input pixels to the image's pixels, clipped to the image.
 *
 * @example
 * // a 640x480 image stretched to 320x320: x scales by 2, y by 1.5
 * toImageBox({ x0: 10, y0: 10, x1: 20, y1: 20 }, { region: { x: 0, y: 0, width: 640, height: 480 }, inputWidth: 320, inputHeight: 320, imageWidth: 640, imageHeight: 480 });
 * // { x0: 20, y0: 15, x1: 40, y1: 30 }
 */
export function toImageBox(b: Corners, g: InputGeometry): Corners {
  const sx = g.region.width / g.inputWidth;
  const sy = g.region.height / g.inputHeight;
  return {
    x0: clamp(g.region.x + b.x0 * sx, g.imageWidth),
    y0: clamp(g.region.y + b.y0 * sy, g.imageHeight),
    x1: clamp(g.region.x + b.x1 * sx, g.imageWidth),
    y1: clamp(g.region.y + b.y1 * sy, g.imageHeight),
  };
}
