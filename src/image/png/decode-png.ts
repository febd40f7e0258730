/**
 * @module
 * A PNG decoder to 8-bit RGB (https://www.w3.org/TR/png-3/), written for the service's needs:
 * every colour type and bit depth, PLTE + tRNS, alpha composited on a background, Adam7; CRCs checked;
 * memory bounded by the declared size (see {@link inflateExactly}); native zlib via DecompressionStream.
 *
 * Why not fast-png (already a dependency): fast-png 8.0.0 cannot decode Adam7 images with a bit
 * depth below 8 (it sizes such rows as one byte per pixel and fails with "Unsupported filter"), and it
 * inflates IDAT without any bound, so a few kilobytes of zlib can make it allocate gigabytes. The parts
 * a decoder needs beyond inflate (unfilter, Adam7, sample unpacking) are small and specified.
 * APNG animation frames are ignored (the default image is decoded), as image viewers without APNG do.
 */
import type { Rgb, RgbImage } from '../types.js';
import { corruptImage, imageTooLarge } from '../failures.js';
import { readPngChunks, type PngChunk } from './chunks.js';
import { parseIhdr, type PngHeader } from './ihdr.js';
import { inflateExactly } from './inflate.js';
import { dataStreamSize, filterStride, pngPasses, type PngPass } from './passes.js';
import { createRowWriter, type RowWriter } from './pixels.js';
import { unfilterRow } from './unfilter.js';

/** Options of {@link decodePng}. */
export interface PngDecodeOptions {
  /** Refuse (413) images with more pixels than this, before allocating anything. */
  readonly maxPixels: number;
  /** Colour transparent pixels are composited on. */
  readonly background: Rgb;
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
  const stream = await inflateExactly(idat, dataStreamSize(passes));
  const image = { width: header.width, height: header.height, data: new Uint8Array(header.width * header.height * 3) };
  let offset = 0;
  for (const pass of passes) offset = decodePass(stream, offset, pass, header, writer, image);
  return image;
}

/** Unfilter and convert the scanlines of one pass; returns the offset after it. */
function decodePass(stream: Uint8Array, offset: number, pass: PngPass, header: PngHeader, writer: RowWriter, out: RgbImage): number {
  const bpp = filterStride(header);
  let prev = -1;
  for (let row = 0; row < pass.height; row++) {
    const cur = offset + 1;
    unfilterRow(stream, stream[offset], cur, prev, pass.rowBytes, bpp);
    writer(stream, cur, pass, row, out);
    prev = cur;
    offset = cur + pass.rowBytes;
  }
  return offset;
}

function findChunk(chunks: readonly PngChunk[], type: string): Uint8Array | undefined {
  return chunks.find((c) => c.type === type)?.data;
}
