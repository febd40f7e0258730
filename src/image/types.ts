/**
 * @module
 * Plain data types shared by the image code: decoded images, float maps and colours.
 * Everything here is structural (no classes) so images cross module and runtime boundaries freely.
 */

/** Image container formats the service accepts. */
export type ImageFormat = 'png' | 'jpeg';

/** An RGB colour, 8 bits per channel. */
export type Rgb = readonly [number, number, number];

/** An 8-bit RGB image, row-major, 3 bytes per pixel, no padding: `data.length === width * height * 3`. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A single-channel float image (a CAM map), row-major: `data.length === width * height`. */
export interface FloatMap {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** A rectangle in pixel units of some image (may be fractional). */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}
