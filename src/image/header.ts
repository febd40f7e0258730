/**
 * @module
 * Identify an uploaded image and read its dimensions from the header alone, so the caller can enforce
 * a pixel limit before any decoding. The format is sniffed from the magic bytes; a declared
 * Content-Type is only checked against it (a mismatch is refused), never trusted on its own.
 */
import { corruptImage, unsupportedImage } from './failures.js';
import { hasJpegSignature, scanJpeg } from './jpeg/markers.js';
import { hasPngSignature } from './png/chunks.js';
import { readPngHeader } from './png/ihdr.js';
import type { ImageFormat } from './types.js';

/** Format and displayed size of an image. */
export interface ImageHeader {
  readonly format: ImageFormat;
  /** Width as displayed: for JPEGs with EXIF orientation 5..8 the stored height. */
  readonly width: number;
  /** Height as displayed. */
  readonly height: number;
}

/** Media types accepted for each format (lower case, without parameters). */
const MEDIA_TYPES: Record<string, ImageFormat> = {
  'image/png': 'png',
  'image/x-png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/pjpeg': 'jpeg',
};

/** Types that make no claim about the format: the bytes decide. */
const NEUTRAL_TYPES = new Set(['', 'application/octet-stream']);

/** The format from the magic bytes, or null when neither PNG nor JPEG. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (hasPngSignature(bytes)) return 'png';
  if (hasJpegSignature(bytes)) return 'jpeg';
  return null;
}

/**
 * Read format and dimensions from the header.
 *
 * @param bytes the whole upload (only the header is read)
 * @param contentType the declared media type, if any (e.g. the request's or the multipart part's)
 * @throws ApiError 415 unknown format or a declared type that disagrees with the bytes; 422 a broken header
 * @example
 * const { format, width, height } = readImageHeader(bytes, request.headers.get('content-type'));
 * if (width * height > maxPixels) throw new ApiError(413, 'image_too_large', '...');
 */
export function readImageHeader(bytes: Uint8Array, contentType?: string | null): ImageHeader {
  const format = sniffImageFormat(bytes);
  const declared = mediaType(contentType);
  if (!format) {
    if (bytes.length === 0) throw corruptImage('The request body is empty.');
    throw unsupportedImage('The body is neither a PNG nor a JPEG image.');
  }
  if (!NEUTRAL_TYPES.has(declared) && MEDIA_TYPES[declared] !== format) {
    throw unsupportedImage(`The body is a ${format.toUpperCase()} image but was declared as ${JSON.stringify(declared)}.`);
  }
  return format === 'png' ? pngHeader(bytes) : jpegHeader(bytes);
}

function pngHeader(bytes: Uint8Array): ImageHeader {
  if (bytes.length < 33) throw corruptImage('The PNG file is truncated (incomplete header).');
  const { width, height } = readPngHeader(bytes);
  return { format: 'png', width, height };
}

function jpegHeader(bytes: Uint8Array): ImageHeader {
  const { frame, orientation } = scanJpeg(bytes);
  const swap = orientation >= 5;
  return { format: 'jpeg', width: swap ? frame.height : frame.width, height: swap ? frame.width : frame.height };
}

/** "Image/PNG; charset=x" -> "image/png"; absent -> "". */
function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}
