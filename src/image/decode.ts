/**
 * @module
 * Decode an uploaded PNG or JPEG to 8-bit RGB, with the pixel limit enforced from the header first.
 * Every failure is an ApiError: 415 unsupported format, 413 too many pixels, 422 corrupt data.
 */
import { ApiError } from '../errors.js';
import { DecodeBudget, DEFAULT_MAX_DECODE_BYTES } from './budget.js';
import { corruptImage, imageTooLarge } from './failures.js';
import { readImageHeader } from './header.js';
import { decodeJpeg } from './jpeg/decode-jpeg.js';
import { decodePng } from './png/decode-png.js';
import type { ImageFormat, Rgb, RgbImage } from './types.js';

/** The service's default pixel limit (40 megapixels). */
export const DEFAULT_MAX_PIXELS = 40_000_000;

/** Options of {@link decodeImage}. */
export interface DecodeOptions {
  /** Refuse (413) larger images before decoding; default {@link DEFAULT_MAX_PIXELS}. */
  readonly maxPixels?: number;
  /** Colour transparent PNG pixels are composited on; default white. */
  readonly background?: Rgb;
  /** The declared media type, checked against the sniffed format (see {@link readImageHeader}). */
  readonly contentType?: string | null;
  /**
   * Most bytes of working memory one decode may hold (every buffer: output, scanlines, the JPEG
   * decoder's blocks and planes); larger decodes are refused (413) before allocating. Default
   * {@link DEFAULT_MAX_DECODE_BYTES}.
   */
  readonly maxDecodeBytes?: number;
  /** The budget to charge (tests read its peak); default a new one of `maxDecodeBytes`. */
  readonly budget?: DecodeBudget;
}

/** A decoded image and the format it came in. */
export interface DecodedImage extends RgbImage {
  readonly format: ImageFormat;
}

/**
 * Decode a PNG or JPEG to RGB in display orientation.
 *
 * @example
 * const image = await decodeImage(bytes, { maxPixels: 40e6, contentType: 'image/jpeg' });
 * image.data; // Uint8Array, RGB, row-major, image.width * image.height * 3 bytes
 */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const header = readImageHeader(bytes, options.contentType);
  if (header.width * header.height > maxPixels) {
    throw imageTooLarge(header.width, header.height, maxPixels);
  }
  const budget = options.budget ?? new DecodeBudget(options.maxDecodeBytes ?? DEFAULT_MAX_DECODE_BYTES);
  try {
    const image =
      header.format === 'png'
        ? await decodePng(bytes, { maxPixels, background: options.background ?? [255, 255, 255], budget })
        : decodeJpeg(bytes, { maxPixels, budget });
    return { format: header.format, ...image };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw corruptImage(`The ${header.format.toUpperCase()} image could not be decoded.`);
  }
}
