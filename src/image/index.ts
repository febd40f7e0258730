/**
 * @module
 * The image code of the service, runnable in workerd and Node (Web APIs only):
 * - {@link readImageHeader}: format (sniffed) and size from the header, for limits before decoding;
 * - {@link decodeImage}: PNG (every colour type and depth, Adam7, alpha on a background) and JPEG
 *   (baseline/progressive, EXIF orientation) to 8-bit RGB, with 415/413/422 ApiErrors;
 * - {@link preprocess}: the model input as torchvision's Resize [+ CenterCrop] + ToTensor + Normalize
 *   compute it on a PIL image, bit-exact;
 * - {@link renderCam}: pytorch-grad-cam's rendering (min-max, OpenCV bilinear, colormap, blend);
 * - {@link encodePngStream}: a streaming PNG encoder on the native CompressionStream.
 *
 * @example
 * const image = await decodeImage(bytes, { contentType, maxPixels });
 * const input = preprocess(image, preprocessSpecOf(manifest.input));
 * // ... run the model, compute the low-resolution map `cam` (h x w, after ReLU) ...
 * const picture = renderCam({ width: w, height: h, data: cam }, { width: W, height: H, image, imageRegion: input.region });
 * return new Response(encodePngStream(picture), { headers: { 'content-type': 'image/png' } });
 */
export { readImageHeader, sniffImageFormat, type ImageHeader } from './header.js';
export { decodeImage, DEFAULT_MAX_PIXELS, type DecodeOptions, type DecodedImage } from './decode.js';
export { preprocess, type PreprocessSpec, type PreprocessedImage } from './preprocess/index.js';
export { preprocessSpecOf } from './preprocess/from-manifest.js';
export { resizeRgb } from './preprocess/resample.js';
export {
  renderCam,
  renderHeatmapIndexed,
  unitMap,
  COLORMAPS,
  type ColormapName,
  type IndexedHeatmap,
  type RenderOptions,
} from './render/index.js';
export { encodePngWhole, type DeflateContent, type Deflater, type WholeImage } from './png/encode-whole.js';
export { collectBytes, encodePng, encodePngStream, type EncodableImage, type PngEncodeOptions } from './png-encode.js';
export type { Box, FloatMap, ImageFormat, Rgb, RgbImage } from './types.js';
