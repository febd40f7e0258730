/**
 * @module
 * The service's PNG compressor: native zlib through `node:zlib` (workerd with the `nodejs_compat` flag,
 * and Node), synchronous, with a level chosen per content.
 *
 * - colour rows (overlays): level 1 (zlib's fastest matching). Measured in workerd (wrangler dev) on a
 *   256x256 overlay of a generated scene: 3.9 ms and 114 KB against 8.1 ms and 113 KB for
 *   `CompressionStream('deflate')` (zlib level 6); 512x512: 10.4 ms / 280 KB against 101 ms / 232 KB.
 *   `Z_RLE` was faster still and smaller on noisy photos, but 2-4x larger on smooth images (34 KB against
 *   19 KB at level 1 and 9 KB at level 6 for the benchmark's 224x224 gradients), so level 1 it is.
 * - palette indices (heatmaps): level 1 too (Node, 256x256 jet heatmap: 5.4 KB in 0.19 ms; the RGB heatmap
 *   at level 6 was 7.2 KB in 1.8 ms).

 * This is one of the two platform modules of src/ (with ort.ts): the rest of the image code uses Web APIs
 * only and receives the compressor as a function.
 */
import { deflateSync } from 'node:zlib';
import type { DeflateContent, Deflater } from '../image/png/encode-whole.js';

const COLOUR = { level: 1 } as const;
const INDEXED = { level: 1 } as const;

/**
 * Compress filtered PNG rows as a zlib stream.
 *
 * @example
 * const png = encodePngWhole(image, zlibDeflater);
 */
export const zlibDeflater: Deflater = (raw: Uint8Array, content: DeflateContent): Uint8Array => {
  const out = deflateSync(raw, content === 'indexed' ? INDEXED : COLOUR);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
};
