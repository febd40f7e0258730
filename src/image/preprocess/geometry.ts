/**
 * @module
 * Where the model's input comes from in the image: torchvision's `Resize` (to a size, or the shorter
 * side to a length) followed by `CenterCrop`, with torchvision 0.14's exact integer rules.
 */
import { ApiError } from '../../errors.js';
import type { Box } from '../types.js';
import type { Window } from './resample.js';

/** How an image is brought to the model's input size. */
export interface ResizePolicy {
  /** Model input width and height. */
  readonly width: number;
  readonly height: number;
  /** 'stretch': resize to exactly width x height. 'shorter-side': scale the shorter side, keep the aspect. */
  readonly resize: 'stretch' | 'shorter-side';
  /** 'center': then crop the centre width x height (torchvision CenterCrop). */
  readonly crop: 'none' | 'center';
  /** For 'shorter-side': the length of the shorter side after resizing; default max(width, height). */
  readonly resizeShorterTo?: number;
}

/** The plan: resize to `resized`, then keep the window (x, y) of it; `region` is that window in source pixels. */
export interface ResizePlan {
  readonly resizedWidth: number;
  readonly resizedHeight: number;
  readonly x: Window;
  readonly y: Window;
  readonly region: Box;
}

/**
 * @example
 * planResize(640, 480, { width: 224, height: 224, resize: 'shorter-side', crop: 'center', resizeShorterTo: 256 });
 * // resized 341 x 256, window x 58..282, y 16..240
 */
export function planResize(srcWidth: number, srcHeight: number, policy: ResizePolicy): ResizePlan {
  const { width, height } = policy;
  if (policy.resize === 'stretch') return finish(srcWidth, srcHeight, width, height, width, height);
  if (policy.crop !== 'center') {
    throw new ApiError(500, 'invalid_model', "The model's preprocessing resizes the shorter side but does not crop; use crop 'center'.");
  }
  const short = policy.resizeShorterTo ?? Math.max(width, height);
  if (short < Math.max(width, height)) {
    throw new ApiError(
      500,
      'invalid_model',
      `The model's preprocessing resizes the shorter side to ${short}, less than its ${width}x${height} crop.`,
    );
  }
  const [resizedWidth, resizedHeight] = shorterSideTo(srcWidth, srcHeight, short);
  return finish(srcWidth, srcHeight, resizedWidth, resizedHeight, width, height);
}

/** torchvision `_compute_resized_output_size` for an int size: the long side is truncated. */
export function shorterSideTo(w: number, h: number, size: number): [number, number] {
  if (w <= h) return [size, Math.trunc((size * h) / w)];
  return [Math.trunc((size * w) / h), size];
}

/** torchvision `center_crop` offsets: Python's round, so halves go to the even neighbour. */
export function centreOffset(size: number, crop: number): number {
  const half = (size - crop) / 2;
  const floor = Math.floor(half);
  if (half - floor !== 0.5) return Math.round(half);
  return floor % 2 === 0 ? floor : floor + 1;
}

function finish(
  srcWidth: number,
  srcHeight: number,
  resizedWidth: number,
  resizedHeight: number,
  width: number,
  height: number,
): ResizePlan {
  const left = centreOffset(resizedWidth, width);
  const top = centreOffset(resizedHeight, height);
  const sx = srcWidth / resizedWidth;
  const sy = srcHeight / resizedHeight;
  return {
    resizedWidth,
    resizedHeight,
    x: { start: left, length: width },
    y: { start: top, length: height },
    region: { x: left * sx, y: top * sy, width: width * sx, height: height * sy },
  };
}
