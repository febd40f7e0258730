/**
 * @module
 * The preprocessing spec of a prepared model, from its manifest's `input` section.
 */
import type { InputSpec } from '../../manifest.js';
import type { PreprocessSpec } from './index.js';

/**
 * Map a manifest's input description to a {@link PreprocessSpec}. The manifest has no separate
 * "resize the shorter side to" length, so 'shorter-side' resizes the shorter side to the input size
 * (the larger of width and height) before the centre crop.
 *
 * @example
 * preprocess(image, preprocessSpecOf(manifest.input));
 */
export function preprocessSpecOf(input: InputSpec): PreprocessSpec {
  const [, a, b, c] = input.shape;
  const [height, width] = input.layout === 'NHWC' ? [a, b] : [b, c];
  return {
    width,
    height,
    resize: input.resize ?? 'stretch',
    crop: input.crop ?? 'none',
    mean: input.mean,
    std: input.std,
    layout: input.layout,
  };
}
