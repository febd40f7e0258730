/**
 * @module
 * `region=x0,y0,x1,y1`: a rectangle in the model input's pixels (x1, y1 exclusive), used to restrict a
 * segmentation target's mask. Output cells count as inside when their centre is: on a map of the input's
 * size that is exactly the pixels x0 <= x < x1, y0 <= y < y1.
 */
import type { Corners } from './boxes.js';
import { optionError } from './option-error.js';

/**
 * @example
 * parseRegion('0,0,32,64', 64, 64); // { x0: 0, y0: 0, x1: 32, y1: 64 }
 */
export function parseRegion(text: string, inputWidth: number, inputHeight: number): Corners {
  const parts = text.split(',');
  const v = parts.map((p) => Number(p));
  if (parts.length !== 4 || parts.some((p) => p.trim() === '') || !v.every(Number.isFinite)) {
    throw optionError('region', `needs four numbers x0,y0,x1,y1 in input pixels (got '${text}').`);
  }
  const [x0, y0, x1, y1] = v as [number, number, number, number];
  if (!(x0 >= 0 && y0 >= 0 && x1 <= inputWidth && y1 <= inputHeight)) {
    throw optionError(
      'region',
      `must lie inside the ${inputWidth}x${inputHeight} model input: 0 <= x0, y0 and x1 <= ${inputWidth}, y1 <= ${inputHeight} (got '${text}').`,
    );
  }
  if (!(x0 < x1 && y0 < y1)) throw optionError('region', `needs x0 < x1 and y0 < y1 (got '${text}').`);
  return { x0, y0, x1, y1 };
}

/**
 * Which cells of an h x w output grid lie in the region (centre inside), for a model input of
 * inputWidth x inputHeight pixels. Null region: every cell.
 */
export function regionCells(region: Corners | null, w: number, h: number, inputWidth: number, inputHeight: number): Uint8Array {
  const inside = new Uint8Array(w * h);
  const sx = inputWidth / w;
  const sy = inputHeight / h;
  for (let y = 0; y < h; y++) {
    const cy = (y + 0.5) * sy;
    if (region && (cy < region.y0 || cy >= region.y1)) continue;
    for (let x = 0; x < w; x++) {
      const cx = (x + 0.5) * sx;
      if (!region || (cx >= region.x0 && cx < region.x1)) inside[y * w + x] = 1;
    }
  }
  return inside;
}
