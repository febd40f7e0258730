/**
 * @module
 * The PNG of an explanation, rendered and encoded in one synchronous step: overlays as RGB, heatmaps as
 * palette indices over the colormap's table (the same decoded pixels in a third of the bytes), compressed
 * with the service's native zlib (src/runtime/deflate.ts). k panels of top=k sit side by side.
 */
import {
  encodePngWhole,
  renderCam,
  renderHeatmapIndexed,
  type Box,
  type ColormapName,
  type Deflater,
  type FloatMap,
  type RgbImage,
} from '../../image/index.js';
import { zlibDeflater } from '../../runtime/deflate.js';
import { horizontalStrip } from './strip.js';

/** The image under an overlay and the part of it the model saw (preprocess()'s region). */
export interface PreprocessedSource {
  image: RgbImage;
  region: Box;
}

/** How to render the panels. */
export interface RenderOptions {
  width: number;
  height: number;
  colormap: ColormapName;
  /** Image weight of the overlay (pytorch-grad-cam: 0.5); ignored for heatmaps. */
  alpha: number;
  overlay: boolean;
  /** Draws over the overlay picture in place before it is encoded (boxes, outlines); heatmaps stay plain. */
  annotate?: (picture: RgbImage) => void;
}

/**
 * Render the maps (one panel each, left to right) and encode them as PNG bytes.
 *
 * @example
 * const png = explanationPng([map], { image, region }, { width: 224, height: 224, colormap: 'jet', alpha: 0.5, overlay: true });
 */
export function explanationPng(
  maps: readonly FloatMap[],
  source: PreprocessedSource,
  o: RenderOptions,
  deflate: Deflater = zlibDeflater,
): Uint8Array {
  if (o.overlay) {
    const strip = horizontalStrip(
      maps.map((m) =>
        renderCam(m, {
          width: o.width,
          height: o.height,
          colormap: o.colormap,
          alpha: o.alpha,
          output: 'overlay',
          image: source.image,
          imageRegion: source.region,
        }),
      ),
    );
    o.annotate?.(strip);
    return encodePngWhole(strip, deflate);
  }
  const panels = maps.map((m) => renderHeatmapIndexed(m, o));
  const width = o.width * panels.length;
  const indices = new Uint8Array(width * o.height);
  panels.forEach((p, k) => {
    for (let y = 0; y < o.height; y++) indices.set(p.indices.subarray(y * o.width, (y + 1) * o.width), y * width + k * o.width);
  });
  return encodePngWhole({ kind: 'indexed', width, height: o.height, indices, palette: panels[0].palette }, deflate);
}
