/**
 * @module
 * What a pixel-level method is: a name, what it needs from the model run, the parameters that enter the
 * cache key, and the map. Pixel-level methods give maps at the input's full resolution from gradients with
 * respect to the image itself (models prepared with `--input-gradients`); the engine (src/explain/compute.ts)
 * runs the seeds they ask for and hands them a {@link PixelInput}.
 */
import type { MethodParams } from '../cam/base.js';
import type { FloatMap } from '../image/types.js';

/** What a pixel-level method needs from the request's model run. */
export interface PixelNeeds {
  /** The plain input gradient dS/dx of each target. */
  plain: boolean;
  /** The Guided Backprop input gradient of each target. */
  guided: boolean;
  /** The Grad-CAM of the request's layers, combined and scaled to [0, 1] at the input's size. */
  gradcam: boolean;
}

/** One target's inputs of a pixel-level method (the image is one C x H x W input tensor). */
export interface PixelInput {
  input: Float32Array;
  channels: number;
  height: number;
  width: number;
  /** dS/dx, C x H x W (when `needs.plain`). */
  plain?: Float32Array;
  /** The Guided Backprop gradient, C x H x W (when `needs.guided`). */
  guided?: Float32Array;
  /** The Grad-CAM map at H x W (when `needs.gradcam`). */
  gradcam?: FloatMap;
  /** Request parameters (SmoothGrad's copies and noise level, defaults applied). */
  n: number;
  sigma: number;
  /** dS/dx of `count` images (concatenated, laid out like `input`) for this target, in batched runs. */
  inputGradients(images: Float32Array, count: number): Promise<Float32Array>;
}

/** A pixel-level method. */
export interface PixelMethod {
  /** The name in the API (`method=`). */
  readonly name: string;
  readonly needs: PixelNeeds;
  /** The name and parameters as they enter the explanation id (e.g. `smoothgrad(n=8,sigma=0.15)`). */
  key(params: MethodParams): string;
  /** The map, H x W. */
  map(input: PixelInput): Promise<Float32Array>;
  /** Images run for their input gradients per target beyond the request's own run (default 0), given `n`. */
  extraImages?(n: number): number;
}
