/**
 * @module
 * JPEG to RGB: entropy decoding and IDCT by jpeg-js (pure JavaScript; baseline, extended and
 * progressive Huffman JPEGs; greyscale, YCbCr and Adobe CMYK/YCCK), then, for 3-component images,
 * libjpeg's chroma upsampling and colour conversion (see chroma.ts and ycc.ts) so the pixels match
 * libjpeg-based decoders within the IDCT's rounding; finally the EXIF orientation.
 *
 * Memory: the whole decode's working memory is computed from the frame header (see memory.ts) and
 * charged to the decode's {@link DecodeBudget} before jpeg-js runs, so a JPEG that would need more is
 * refused (413) first; jpeg-js's own guard (`maxMemoryUsageInMB`, which counts only its typed-array
 * data) is set to the same budget as a second bound.
 */
import decode from './vendor/jpeg-js-decoder.js';
import { DecodeBudget } from '../budget.js';
import { corruptImage, imageTooLarge } from '../failures.js';
import { orientImage } from '../orientation.js';
import type { RgbImage } from '../types.js';
import { fancyUpsampleInPlace } from './chroma.js';
import { scanJpeg, type JpegInfo } from './markers.js';
import { jpegMemory } from './memory.js';
import { yccToRgbInPlace } from './ycc.js';

/** Options of {@link decodeJpeg}. */
export interface JpegDecodeOptions {
  /** Refuse (413) images with more pixels than this, before decoding. */
  readonly maxPixels: number;
  /** Working memory of the decode (default: a new {@link DecodeBudget} with the default limit). */
  readonly budget?: DecodeBudget;
}

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
  const budget = options.budget ?? new DecodeBudget();
  const memory = jpegMemory(info, bytes.length);
  budget.charge(memory.library, "the JPEG decoder's coefficient blocks, sample lines and output");
  budget.charge(memory.ours, 'colour conversion and orientation');
  const threeComponents = components.length === 3;
  const data = runJpegJs(threeComponents ? withoutAdobeTransform(bytes, info) : bytes, {
    rawComponents: threeComponents,
    maxPixels: options.maxPixels,
    maxBytes: budget.limit,
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
  /** jpeg-js's own memory guard, in bytes. */
  readonly maxBytes: number;
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
      maxMemoryUsageInMB: run.maxBytes / 2 ** 20,
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

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 120 ? `${message.slice(0, 117)}...` : message;
}
