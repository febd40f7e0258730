/**
 * @module
 * The explain route's only door to image code (decode, preprocess, render, PNG encode).
 *
 * Header reading, decoding, preprocessing and rendering are src/image's. TEMPORARY: its streaming PNG
 * encoder has not landed yet, so the PNG is encoded in one piece by fast-png here.
 */
import { encode as encodePng } from 'fast-png';
import { decodeImage as decodeWithLimits } from '../../image/decode.js';
import { preprocessSpecOf } from '../../image/preprocess/from-manifest.js';
import { preprocess as preprocessImage, type PreprocessedImage } from '../../image/preprocess/index.js';
import { renderCam as renderWithImage, type ColormapName } from '../../image/render/index.js';
import type { Box, RgbImage } from '../../image/types.js';
import type { InputSpec } from '../../manifest.js';

export { readImageHeader, type ImageHeader } from '../../image/header.js';
export type { RgbImage } from '../../image/types.js';
export { COLORMAPS } from '../../image/render/index.js';

/** Rendering options of a CAM map. */
export interface RenderOptions {
  width: number;
  height: number;
  colormap: ColormapName;
  /** Image weight of the overlay (pytorch-grad-cam: 0.5); ignored for heatmaps. */
  alpha: number;
  overlay: boolean;
}

/** The image under an overlay and the part of it the model saw (preprocess()'s region). */
export interface PreprocessedSource {
  image: RgbImage;
  region: Box;
}

/** Decode to RGB in display orientation; alpha is composited on `background`. Rejects with ApiErrors. */
export function decodeImage(bytes: Uint8Array, options: { background?: readonly [number, number, number]; maxPixels: number }): Promise<RgbImage> {
  return decodeWithLimits(bytes, options);
}

/**
 * The model's input tensor from an RGB image, as the manifest's input section says (src/image: torchvision-
 * exact resize with antialiasing, crop, ToTensor + Normalize), with the source region it covers.
 */
export function preprocess(image: RgbImage, spec: InputSpec): PreprocessedImage {
  return preprocessImage(image, preprocessSpecOf(spec));
}

/** Render a raw CAM map (h x w) over `image` or alone, with pytorch-grad-cam's pipeline (src/image/render). */
export function renderCam(map: Float32Array, mapW: number, mapH: number, image: PreprocessedSource, o: RenderOptions): RgbImage {
  return renderWithImage({ width: mapW, height: mapH, data: map }, {
    width: o.width, height: o.height, colormap: o.colormap, alpha: o.alpha,
    output: o.overlay ? 'overlay' : 'heatmap', image: image.image, imageRegion: image.region,
  });
}

/** Encode RGB as PNG, as a stream. */
export function encodePngStream(image: RgbImage): ReadableStream<Uint8Array> {
  const bytes = encodePng({ width: image.width, height: image.height, data: image.data, channels: 3, depth: 8 });
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}
