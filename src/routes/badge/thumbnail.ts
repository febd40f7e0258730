/**
 * @module
 * The badge's thumbnail, made from a stored explanation with src/image: a PNG explanation (overlay or heatmap)
 * is decoded and box-resized down; a JSON explanation's raw map is rendered as a jet heatmap. The result is a
 * small PNG (twice the badge height, for high-density screens) as a data: URI.
 */
import { decodeImage, encodePng, renderCam, resizeRgb, type RgbImage } from '../../image/index.js';

/** A thumbnail ready to embed. */
export interface Thumbnail {
  /** `data:image/png;base64,...` */
  dataUri: string;
  /** Aspect ratio (width / height) of the source, clamped to 1/2..2. */
  aspect: number;
}

/** Pixel height of thumbnails (2x the 28 px badge). */
export const THUMB_PIXELS = 56;

function clampAspect(width: number, height: number): number {
  return Math.min(Math.max(width / height, 0.5), 2);
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function toThumbnail(picture: RgbImage, aspect: number): Promise<Thumbnail> {
  return { dataUri: `data:image/png;base64,${base64(await encodePng(picture))}`, aspect };
}

/** The thumbnail of a stored PNG explanation. */
export async function thumbnailOfPng(bytes: Uint8Array, maxPixels: number): Promise<Thumbnail> {
  // Our own rendered PNG (streamed decode: 3 bytes per pixel and two scanlines), bounded by maxPixels.
  const image = await decodeImage(bytes, { maxPixels, maxDecodeBytes: maxPixels * 3 + 2 ** 20 });
  const aspect = clampAspect(image.width, image.height);
  return toThumbnail(resizeRgb(image, Math.round(THUMB_PIXELS * aspect), THUMB_PIXELS), aspect);
}

/** The thumbnail of a stored JSON explanation: its raw low-resolution map as a jet heatmap. */
export async function thumbnailOfMap(map: { shape: [number, number]; data: number[] }): Promise<Thumbnail> {
  const [height, width] = map.shape;
  const aspect = clampAspect(width, height);
  const picture = renderCam(
    { width, height, data: Float32Array.from(map.data) },
    {
      width: Math.round(THUMB_PIXELS * aspect),
      height: THUMB_PIXELS,
      output: 'heatmap',
      colormap: 'jet',
    },
  );
  return toThumbnail(picture, aspect);
}
