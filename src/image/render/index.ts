/**
 * @module
 * Rendering a CAM map to an RGB picture with pytorch-grad-cam's reference pipeline (the defaults of
 * `GradCAM(...)(input)` followed by `show_cam_on_image(img, cam, use_rgb=True)`):
 * 1. `scale_cam_image(cam, (W, H))`: min-max scale the low-resolution map, resize it with OpenCV's
 *    bilinear INTER_LINEAR; 2. `aggregate_multi_layers`: ReLU, mean over layers, min-max scale again;
 * 3. colour `uint8(255 * map)` with an OpenCV colormap; 4. for an overlay, blend with the image and
 * divide by the maximum. The ReLU of the raw map itself is the CAM method's job (see src/cam).
 */
import { resizeRgb } from '../preprocess/resample.js';
import type { Box, FloatMap, RgbImage } from '../types.js';
import { colorize, colormapTable, quantizeMap, type ColormapName } from './colormap.js';
import { minMaxScale } from './normalize.js';
import { blendOverlay } from './overlay.js';
import { resizeBilinear } from './upsample.js';

/** How to render. */
export interface RenderOptions {
  /** Output size in pixels. */
  readonly width: number;
  readonly height: number;
  /** 'overlay' (default): heatmap blended over `image`; 'heatmap': the coloured map alone. */
  readonly output?: 'overlay' | 'heatmap';
  /** Default 'jet'. */
  readonly colormap?: ColormapName;
  /** Image weight of the overlay, 0..1 (pytorch-grad-cam's `image_weight`, default 0.5). */
  readonly alpha?: number;
  /** The picture under the overlay; resized (Pillow bilinear) to width x height when its size differs. */
  readonly image?: RgbImage;
  /** The part of `image` the map covers (e.g. preprocess()'s `region` for a centre crop); default all. */
  readonly imageRegion?: Box;
}

/**
 * The map(s) as pytorch-grad-cam hands them to show_cam_on_image: each scaled and resized to
 * width x height, ReLU, averaged, scaled again. Values in [0, 1).
 *
 * @example
 * unitMap([{ width: 7, height: 7, data: cam }], 224, 224);
 */
export function unitMap(maps: readonly FloatMap[], width: number, height: number): FloatMap {
  const sum = new Float32Array(width * height);
  for (const map of maps) {
    const up = resizeBilinear(minMaxScale(map), width, height).data;
    for (let i = 0; i < sum.length; i++) sum[i] += Math.max(up[i], 0);
  }
  if (maps.length > 1) for (let i = 0; i < sum.length; i++) sum[i] /= maps.length;
  return minMaxScale({ width, height, data: sum });
}

/**
 * Render one CAM map (or several layers' maps, averaged) as an overlay or a heatmap.
 *
 * @example
 * const png = encodePng(renderCam({ width: 7, height: 7, data: cam }, { width: 640, height: 480, image }));
 */
export function renderCam(map: FloatMap | readonly FloatMap[], options: RenderOptions): RgbImage {
  const { width, height } = options;
  const maps = Array.isArray(map) ? (map as readonly FloatMap[]) : [map as FloatMap];
  const heat = colorize(quantizeMap(unitMap(maps, width, height)), width, height, options.colormap ?? 'jet');
  if ((options.output ?? 'overlay') === 'heatmap') return heat;
  if (!options.image) throw new Error('renderCam: an overlay needs the image');
  return blendOverlay(heat, fitImage(options.image, width, height, options.imageRegion), options.alpha ?? 0.5);
}

/** A heatmap as palette indices: pixel i is `palette[3 * indices[i] .. + 3]` (RGB). */
export interface IndexedHeatmap {
  readonly width: number;
  readonly height: number;
  /** The colormap level of each pixel, 0..255, row-major. */
  readonly indices: Uint8Array;
  /** The colormap's 256-entry RGB table (768 bytes). */
  readonly palette: Uint8Array;
}

/**
 * The heatmap of {@link renderCam} (`output: 'heatmap'`) as colormap levels and the colormap's table:
 * looking each level up in the table gives exactly renderCam's pixels, in a third of the bytes.
 *
 * @example
 * const { indices, palette } = renderHeatmapIndexed({ width: 7, height: 7, data: cam }, { width: 224, height: 224 });
 */
export function renderHeatmapIndexed(
  map: FloatMap | readonly FloatMap[],
  options: Pick<RenderOptions, 'width' | 'height' | 'colormap'>,
): IndexedHeatmap {
  const { width, height } = options;
  const maps = Array.isArray(map) ? (map as readonly FloatMap[]) : [map as FloatMap];
  const indices = quantizeMap(unitMap(maps, width, height));
  return { width, height, indices, palette: colormapTable(options.colormap ?? 'jet') };
}

/** The image (or its region) at exactly width x height. */
function fitImage(image: RgbImage, width: number, height: number, region?: Box): RgbImage {
  const whole = !region || (region.x === 0 && region.y === 0 && region.width === image.width && region.height === image.height);
  if (whole && image.width === width && image.height === height) return image;
  return resizeRgb(image, width, height, whole ? undefined : { box: region });
}

export { COLORMAPS, type ColormapName } from './colormap.js';
