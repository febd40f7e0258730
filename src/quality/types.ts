/**
 * @module
 * Plain data shared by the explanation-quality metrics: binary masks and the model callback.
 * Maps are {@link FloatMap}s (row-major, non-negative, usually the rendered map in [0, 1]).
 */
export type { FloatMap } from '../image/types.js';

/** A binary ground-truth mask, row-major: 1 inside the object, 0 outside. */
export interface Mask {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * Runs the classifier on `count` inputs stored back to back in `batch` (each one model input, e.g.
 * 3 x H x W floats) and returns their class probabilities, `count` rows of K values.
 */
export type Forward = (batch: Float32Array, count: number) => Promise<Float32Array>;
