/**
 * @module
 * A PNG decoder to 8-bit RGB (https://www.w3.org/TR/png-3/), written for the service's needs:
 * every colour type and bit depth, PLTE + tRNS, alpha composited on a background, Adam7; CRCs checked;
 * native zlib via DecompressionStream. Decoding streams: the data stream is inflated piece by piece
 * and turned into RGB one scanline at a time (see {@link ScanlineAssembler}), so the working memory
 * is the RGB output (3 bytes per pixel, whatever the bit depth or alpha) plus two scanlines, all
 * charged to the decode's {@link DecodeBudget} before they are allocated.
 *
 * Why not fast-png (already a dependency): fast-png 8.0.0 cannot decode Adam7 images with a bit
 * depth below 8 (it sizes such rows as one byte per pixel and fails with "Unsupported filter"), and it
 * inflates IDAT without any bound, so a few kilobytes of zlib can make it allocate gigabytes. The parts
 * a decoder needs beyond inflate (unfilter, Adam7, sample unpacking) are small and specified.
 * APNG animation frames are ignored (the default image is decoded), as image viewers without APNG do.
 */
import type { Rgb, RgbImage } from '../types.js';
import { corruptImage, imageTooLarge } from '../failures.js';
import { DecodeBudget } from '../budget.js';
import { readPngChunks, type PngChunk } from './chunks.js';
import { parseIhdr } from './ihdr.js';
import { inflateInto } from './inflate.js';
import { dataStreamSize, pngPasses } from './passes.js';
import { createRowWriter } from './pixels.js';
import { ScanlineAssembler, scanlineBufferBytes } from './scanlines.js';

/** Options of {@link decodePng}. */
export interface PngDecodeOptions {
  /** Refuse (413) images with more pixels than this, before allocating anything. */
  readonly maxPixels: number;
  /** Colour transparent pixels are composited on. */
  readonly background: Rgb;
  /** Working memory of the decode (default: a new {@link DecodeBudget} with the default limit). */
  readonly budget?: DecodeBudget;
}

/**
 * Decode a PNG file to RGB.
 *
 * @example
 * const image = await decodePng(bytes, { maxPixels: 40e6, background: [255, 255, 255] });
 */
export async function decodePng(bytes: Uint8Array, options: PngDecodeOptions): Promise<RgbImage> {
  const chunks = readPngChunks(bytes);
  if (chunks[0].type !== 'IHDR') throw corruptImage('The PNG does not start with an IHDR chunk.');
  const header = parseIhdr(chunks[0].data);
  if (header.width * header.height > options.maxPixels) {
    throw imageTooLarge(header.width, header.height, options.maxPixels);
  }
  const idat = chunks.filter((c) => c.type === 'IDAT').map((c) => c.data);
  if (idat.length === 0) throw corruptImage('The PNG has no image data (IDAT).');
  if (header.colorType === 3 && !findChunk(chunks, 'PLTE')) throw corruptImage('The palette PNG has no PLTE chunk.');
  const writer = createRowWriter(header, {
    palette: header.colorType === 3 ? findChunk(chunks, 'PLTE') : undefined,
    // tRNS is only defined for grey, RGB and palette images; elsewhere it is ignored.
    transparency: header.colorType <= 3 ? findChunk(chunks, 'tRNS') : undefined,
    background: options.background,
  });
  const passes = pngPasses(header);
  const budget = options.budget ?? new DecodeBudget();
  budget.charge(header.width * header.height * 3, 'the RGB output');
  budget.charge(scanlineBufferBytes(passes), 'two scanlines');
  const image = { width: header.width, height: header.height, data: new Uint8Array(header.width * header.height * 3) };
  const lines = new ScanlineAssembler(header, passes, (buf, start, pass, row) => writer(buf, start, pass, row, image));
  await inflateInto(idat, dataStreamSize(passes), (piece) => lines.push(piece));
  budget.release(scanlineBufferBytes(passes));
  return image;
}

function findChunk(chunks: readonly PngChunk[], type: string): Uint8Array | undefined {
  return chunks.find((c) => c.type === type)?.data;
}
