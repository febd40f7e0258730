/**
 * @module
 * A whole-image PNG encoder around a synchronous zlib compressor the caller provides (in the Worker:
 * workerd's native `node:zlib`, see src/runtime/deflate.ts), for 8-bit RGB/RGBA and for palette images.
 *
 * Why beside the streaming encoder (png-encode.ts): `CompressionStream('deflate')` has no level or strategy
 * and runs zlib's default level 6 with lazy matching, which is slow on photo-like overlays (measured in
 * workerd on a 256x256 overlay: 8 ms, 512x512: 100 ms); level 1 took 4 ms and 10 ms there (sizes in
 * src/runtime/deflate.ts). A heatmap alone is
 * 256 colours of a colormap: written as palette indices (colour type 3) it is a third of the data, and the
 * decoded pixels are exactly the RGB ones (the palette is the colormap's table).
 */
import { concatBytes, ihdrData, PNG_SIGNATURE, pngChunk, type EncodedColourType } from './container.js';
import { filterRow, type FilterStrategy } from './row-filters.js';

/** What the compressor is given, so that it may pick a strategy: colour rows, or palette-index rows. */
export type DeflateContent = 'colour' | 'indexed';

/** A synchronous zlib (RFC 1950) compressor: the whole filtered data in, a zlib stream out. */
export type Deflater = (raw: Uint8Array, content: DeflateContent) => Uint8Array;

/** An 8-bit image: RGB or RGBA pixels, or palette indices with their palette. */
export type WholeImage =
  | { readonly kind?: 'colour'; readonly width: number; readonly height: number; readonly data: Uint8Array; readonly channels?: 3 | 4 }
  | {
      readonly kind: 'indexed';
      readonly width: number;
      readonly height: number;
      readonly indices: Uint8Array;
      readonly palette: Uint8Array;
    };

/**
 * Encode to PNG bytes with `deflate`; rows filtered with 'sub' (default) or `filter`.
 *
 * @example
 * const png = encodePngWhole({ kind: 'indexed', width, height, indices, palette: colormapTable('jet') }, zlibDeflater);
 */
export function encodePngWhole(image: WholeImage, deflate: Deflater, filter: FilterStrategy = 'sub'): Uint8Array {
  const { width, height } = image;
  const indexed = image.kind === 'indexed';
  const bpp = indexed ? 1 : (image.channels ?? 3);
  const pixels = indexed ? image.indices : image.data;
  if (width < 1 || height < 1 || !Number.isInteger(width) || !Number.isInteger(height) || pixels.length !== width * height * bpp) {
    throw new Error(`encodePngWhole: ${pixels.length} bytes do not make a ${width}x${height}x${bpp} image`);
  }
  const chunks = [PNG_SIGNATURE, pngChunk('IHDR', ihdrData(width, height, colourType(image)))];
  if (image.kind === 'indexed') {
    if (image.palette.length % 3 !== 0 || image.palette.length < 3 || image.palette.length > 768) {
      throw new Error(`encodePngWhole: a palette has 1 to 256 RGB entries, not ${image.palette.length} bytes`);
    }
    chunks.push(pngChunk('PLTE', image.palette));
  }
  chunks.push(pngChunk('IDAT', deflate(filterAll(pixels, width, height, bpp, filter), indexed ? 'indexed' : 'colour')));
  chunks.push(pngChunk('IEND', new Uint8Array(0)));
  return concatBytes(chunks);
}

function colourType(image: WholeImage): EncodedColourType {
  if (image.kind === 'indexed') return 3;
  return (image.channels ?? 3) === 4 ? 6 : 2;
}

/** Every scanline with its filter byte. */
function filterAll(pixels: Uint8Array, width: number, height: number, bpp: number, filter: FilterStrategy): Uint8Array {
  const rowBytes = width * bpp;
  const out = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * rowBytes, (y + 1) * rowBytes);
    const prev = y > 0 ? pixels.subarray((y - 1) * rowBytes, y * rowBytes) : null;
    filterRow(filter, row, prev, bpp, out, y * (rowBytes + 1));
  }
  return out;
}
