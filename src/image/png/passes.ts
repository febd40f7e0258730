/**
 * @module
 * The layout of a PNG's decompressed image data: one pass for a plain image, the seven Adam7 passes
 * for an interlaced one (https://www.w3.org/TR/png-3/#8Interlace), each a sequence of scanlines made
 * of a filter-type byte and `rowBytes` bytes of packed samples.
 */
import { CHANNELS, type PngHeader } from './ihdr.js';

/** One (reduced) image of the data stream: its pixels sit at (x0 + i * dx, y0 + j * dy). */
export interface PngPass {
  readonly x0: number;
  readonly y0: number;
  readonly dx: number;
  readonly dy: number;
  readonly width: number;
  readonly height: number;
  /** Bytes of one scanline without its filter byte. */
  readonly rowBytes: number;
}

const ADAM7: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** Bits per pixel: samples per pixel times bit depth. */
export function bitsPerPixel(header: PngHeader): number {
  return CHANNELS[header.colorType] * header.bitDepth;
}

/** The byte distance the row filters use for "the pixel to the left" (at least 1). */
export function filterStride(header: PngHeader): number {
  return Math.max(1, bitsPerPixel(header) >> 3);
}

/** The non-empty passes of the image, in stream order. */
export function pngPasses(header: PngHeader): PngPass[] {
  const grid = header.interlaced ? ADAM7 : [[0, 0, 1, 1] as const];
  const bits = bitsPerPixel(header);
  const passes: PngPass[] = [];
  for (const [x0, y0, dx, dy] of grid) {
    const width = Math.ceil((header.width - x0) / dx);
    const height = Math.ceil((header.height - y0) / dy);
    if (width > 0 && height > 0) {
      passes.push({ x0, y0, dx, dy, width, height, rowBytes: Math.ceil((width * bits) / 8) });
    }
  }
  return passes;
}

/** Exact size of the decompressed data stream: every scanline of every pass plus its filter byte. */
export function dataStreamSize(passes: readonly PngPass[]): number {
  return passes.reduce((sum, p) => sum + p.height * (p.rowBytes + 1), 0);
}
