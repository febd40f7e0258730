/**
 * @module
 * The PNG image header (IHDR, https://www.w3.org/TR/png-3/#11IHDR): dimensions, bit depth, colour
 * type and interlace method, validated against the combinations the specification allows.
 */
import { corruptImage } from '../failures.js';
import { readChunkAt } from './chunks.js';

/** PNG colour types: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
export type PngColorType = 0 | 2 | 3 | 4 | 6;

/** The fields of IHDR the decoder needs. */
export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: 1 | 2 | 4 | 8 | 16;
  readonly colorType: PngColorType;
  readonly interlaced: boolean;
}

/** Samples per pixel of each colour type. */
export const CHANNELS: Record<PngColorType, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

const ALLOWED_DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/** Parse and validate the 13 data bytes of IHDR. */
export function parseIhdr(data: Uint8Array): PngHeader {
  if (data.length !== 13) throw corruptImage('The PNG IHDR chunk has the wrong length.');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [bitDepth, colorType, compression, filter, interlace] = data.subarray(8, 13);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    throw corruptImage(`The PNG declares invalid dimensions ${width}x${height}.`);
  }
  if (!ALLOWED_DEPTHS[colorType]?.includes(bitDepth)) {
    throw corruptImage(`The PNG declares colour type ${colorType} with bit depth ${bitDepth}, which is not valid.`);
  }
  if (compression !== 0 || filter !== 0 || interlace > 1) {
    throw corruptImage('The PNG declares an unknown compression, filter or interlace method.');
  }
  return {
    width,
    height,
    bitDepth: bitDepth as PngHeader['bitDepth'],
    colorType: colorType as PngColorType,
    interlaced: interlace === 1,
  };
}

/** Read IHDR, which must be the first chunk, without looking at the rest of the file. */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  const chunk = readChunkAt(bytes, 8);
  if (chunk.type !== 'IHDR') throw corruptImage('The PNG does not start with an IHDR chunk.');
  return parseIhdr(chunk.data);
}
