/**
 * @module
 * The three ways an uploaded image is refused, as {@link ApiError}s with the project's codes, so every
 * decoder reports them the same way.
 */
import { ApiError } from '../errors.js';

/** 422: the bytes claim a supported format but cannot be decoded (truncated, bad CRC, bad stream...). */
export function corruptImage(detail: string): ApiError {
  return new ApiError(422, 'corrupt_image', detail);
}

/** 415: not a PNG or JPEG, or a variant the decoders do not support (say which). */
export function unsupportedImage(detail: string): ApiError {
  return new ApiError(415, 'unsupported_media_type', detail);
}

/** 413: the header declares more pixels than allowed; raised before any pixel buffer is allocated. */
export function imageTooLarge(width: number, height: number, maxPixels: number): ApiError {
  const mp = (n: number) => (n / 1e6).toFixed(1);
  return new ApiError(
    413,
    'image_too_large',
    `The image is ${width}x${height} (${mp(width * height)} MP); the limit is ${mp(maxPixels)} MP.`,
    { width, height, maxPixels },
  );
}
