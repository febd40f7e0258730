/**
 * @module
 * Preprocessing: an RGB image to the model's input tensor, as a torchvision pipeline on a PIL image
 * does it (`Resize` [+ `CenterCrop`] + `ToTensor` + `Normalize`), bit-exact. Also tells which region of
 * the image the tensor covers, so a CAM map can be drawn over the right pixels.
 */
import type { Box, RgbImage } from '../types.js';
import { planResize, type ResizePolicy } from './geometry.js';
import { resizeRgb } from './resample.js';
import { toTensor, type TensorSpec } from './tensor.js';

/** Everything preprocessing needs: see {@link ResizePolicy} and {@link TensorSpec}. */
export type PreprocessSpec = ResizePolicy & TensorSpec;

/** The model input and where it came from. */
export interface PreprocessedImage {
  /** float32 tensor data, batch of one. */
  readonly data: Float32Array;
  /** [1, 3, height, width] for NCHW, [1, height, width, 3] for NHWC. */
  readonly dims: readonly [number, number, number, number];
  /** The region of the source image the tensor covers (source pixels; the whole image unless cropped). */
  readonly region: Box;
  /** The resized (and cropped) RGB image the tensor was made from. */
  readonly resized: RgbImage;
}

/**
 * @example
 * const input = preprocess(image, {
 *   width: 224, height: 224, resize: 'shorter-side', crop: 'center', resizeShorterTo: 256,
 *   mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225],
 * });
 * session.run({ input: { type: 'float32', dims: input.dims, data: input.data } });
 */
export function preprocess(image: RgbImage, spec: PreprocessSpec): PreprocessedImage {
  const plan = planResize(image.width, image.height, spec);
  const resized = resizeRgb(image, plan.resizedWidth, plan.resizedHeight, plan);
  const dims: [number, number, number, number] = spec.layout === 'NHWC' ? [1, spec.height, spec.width, 3] : [1, 3, spec.height, spec.width];
  return { data: toTensor(resized, spec), dims, region: plan.region, resized };
}

export type { ResizePolicy } from './geometry.js';
export type { TensorSpec } from './tensor.js';
