/**
 * @module
 * The rendered PNG's size: the image's size by default, one given side keeps the aspect ratio, and nothing
 * exceeds the configured maximum side (explicit values over it are 400 bad_option; defaults scale down).
 */
import { ApiError } from '../../errors.js';

/** Width and height of the output. */
export interface Size {
  width: number;
  height: number;
}

/**
 * @example
 * outputSize({ width: 1000, height: 500 }, { width: 200 }, 4096); // { width: 200, height: 100 }
 */
export function outputSize(image: Size, requested: Partial<Size>, maxSide: number): Size {
  for (const side of ['width', 'height'] as const) {
    const v = requested[side];
    if (v !== undefined && v > maxSide) throw new ApiError(400, 'bad_option', `Option '${side}': at most ${maxSide}.`, { option: side });
  }
  const { width, height } = requested;
  if (width !== undefined && height !== undefined) return { width, height };
  if (width !== undefined) return { width, height: clamp(Math.round((width * image.height) / image.width), maxSide) };
  if (height !== undefined) return { width: clamp(Math.round((height * image.width) / image.height), maxSide), height };
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  return { width: clamp(Math.round(image.width * scale), maxSide), height: clamp(Math.round(image.height * scale), maxSide) };
}

function clamp(v: number, max: number): number {
  return Math.min(Math.max(v, 1), max);
}
