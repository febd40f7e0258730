/**
 * @module
 * JPEG to RGB: entropy decoding and IDCT by jpeg-js (pure JavaScript; baseline, extended and
 * progressive Huffman JPEGs; greyscale, YCbCr and Adobe CMYK/YCCK), then, for 3-component images,
 * libjpeg's chroma upsampling and colour conversion (see chroma.ts and ycc.ts) so the pixels match
 * libjpeg-based decoders within the IDCT's rounding; finally the EXIF orientation.
 *
 * jpeg-js's memory guard (`maxMemoryUsageInMB`) is set from the frame size, which the caller has
 * already checked against the pixel limit, so no input makes it allocate more than that image needs.
 */
import decode from 'jpeg-js/lib/decoder.js';
import { corruptImage, imageTooLarge } from '../failures.js';
import { orientImage } from '../orientation.js';
import type { RgbImage } from '../types.js';
import { fancyUpsampleInPlace } from './chroma.js';
import { scanJpeg, type JpegInfo } from './markers.js';
import { yccToRgbInPlace } from './ycc.js';

/** Options of {@link decodeJpeg}. */
export interface JpegDecodeOptions {
  /** Refuse (413) images with more pixels than this, before decoding. */
  readonly maxPixels: number;
}

/**
 * Bytes jpeg-js allocates per pixel in the worst case (4:4:4 CMYK): 4 bytes of coefficients and
 * 1 byte of samples per component, the interleaved component data (4) and the RGB output (3).
 */
const WORST_BYTES_PER_PIXEL = 4 * 5 + 4 + 3;

/**
 * Decode a JPEG file to RGB in display orientation.
 *
 * @example
 * const image = decodeJpeg(bytes, { maxPixels: 40e6 });
 */
export function decodeJpeg(bytes: Uint8Array, options: JpegDecodeOptions): RgbImage {
  const info = scanJpeg(bytes);
  const { width, height, components } = info.frame;
  if (width * height > options.maxPixels) throw imageTooLarge(width, height, options.maxPixels);
  const threeComponents = components.length === 3;
  const data = runJpegJs(threeComponents ? withoutAdobeTransform(bytes, info) : bytes, {
    rawComponents: threeComponents,
    maxPixels: options.maxPixels,
    width,
    height,
  });
  if (threeComponents) {
    fancyUpsampleInPlace(data, width, height, components);
    if (isYcc(info)) yccToRgbInPlace(data);
  }
  return orientImage({ width, height, data }, info.orientation);
}

interface JpegJsRun {
  /** Ask for the raw component values (no colour transform). */
  readonly rawComponents: boolean;
  readonly maxPixels: number;
  readonly width: number;
  readonly height: number;
}

/** jpeg-js's RGB (or raw 3-channel) output, with every failure turned into a 422. */
function runJpegJs(bytes: Uint8Array, run: JpegJsRun): Uint8Array {
  let decoded: ReturnType<typeof decode>;
  try {
    decoded = decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: false,
      colorTransform: run.rawComponents ? false : undefined,
      maxResolutionInMP: run.maxPixels / 1e6,
      maxMemoryUsageInMB: memoryBudgetMB(run.width, run.height),
    });
  } catch (error) {
    throw corruptImage(`The JPEG data is corrupt or truncated (${describe(error)}).`);
  }
  if (decoded.width !== run.width || decoded.height !== run.height) {
    throw corruptImage('The JPEG decoded to a size other than its header declares.');
  }
  return decoded.data;
}

/**
 * jpeg-js applies its own YCbCr conversion whenever an Adobe segment says "transform", whatever the
 * options say; a copy with the flag cleared makes it return the raw components for ours.
 */
function withoutAdobeTransform(bytes: Uint8Array, info: JpegInfo): Uint8Array {
  if (!info.adobe || info.adobe.value === 0) return bytes;
  const copy = bytes.slice();
  copy[info.adobe.offset] = 0;
  return copy;
}

/** libjpeg's rule for 3 components (jdapimin.c): JFIF or Adobe transform or component ids decide. */
function isYcc(info: JpegInfo): boolean {
  if (info.jfif) return true;
  if (info.adobe) return info.adobe.value !== 0;
  const ids = info.frame.components.map((c) => c.id).join(',');
  return ids !== '82,71,66'; // 'R','G','B'
}

/** The memory jpeg-js may use for this frame: the worst case per pixel on whole 32x32 MCUs, plus tables. */
function memoryBudgetMB(width: number, height: number): number {
  const padded = Math.ceil(width / 32) * 32 * Math.ceil(height / 32) * 32;
  return (padded * WORST_BYTES_PER_PIXEL) / 2 ** 20 + 4;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 120 ? `${message.slice(0, 117)}...` : message;
}
