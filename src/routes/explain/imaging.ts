/**
 * @module
 * The explain route's door to the image code (src/image): the few calls it makes, in the shapes the route
 * uses (manifest input spec, raw map as a Float32Array, the preprocessed region under an overlay).
 */
import { decodeImage as decodeWithLimits, preprocess as preprocessImage, preprocessSpecOf, renderCam as renderWithImage } from '../../image/index.js';
import type { Box, ColormapName, PreprocessedImage, RgbImage } from '../../image/index.js';
import type { InputSpec } from '../../manifest.js';

export { COLORMAPS, collectBytes, encodePngStream, readImageHeader, type ImageHeader, type RgbImage } from '../../image/index.js';

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
export function decodeImage(bytes: Uint8Array, options: { background?: readonly [number, number, number]; maxPixels: number; maxDecodeBytes?: number }): Promise<RgbImage> {
  return decodeWithLimits(bytes, options);
}

/**
 * The model's input tensor from an RGB image, as the manifest's input section says (torchvision-exact
 * resize with antialiasing, crop, ToTensor + Normalize), with the source region it covers.
 */
export function preprocess(image: RgbImage, spec: InputSpec): PreprocessedImage {
  return preprocessImage(image, preprocessSpecOf(spec));
}

/** Render a raw CAM map (h x w) over the image or alone, with pytorch-grad-cam's pipeline. */
export function renderCam(map: Float32Array, mapW: number, mapH: number, source: PreprocessedSource, o: RenderOptions): RgbImage {
  return renderWithImage({ width: mapW, height: mapH, data: map }, {
    width: o.width, height: o.height, colormap: o.colormap, alpha: o.alpha,
    output: o.overlay ? 'overlay' : 'heatmap', image: source.image, imageRegion: source.region,
  });
}
