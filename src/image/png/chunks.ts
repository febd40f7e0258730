/**
 * @module
 * Splitting a PNG file into chunks (https://www.w3.org/TR/png-3/#5Chunk-layout), checking the
 * signature, every length against the file size and every CRC. Reading stops at IEND.
 */
import { updateCrc32 } from '../crc32.js';
import { corruptImage } from '../failures.js';

/** The 8-byte PNG signature. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** One chunk: its four-letter type and a view of its data (no copy). */
export interface PngChunk {
  readonly type: string;
  readonly data: Uint8Array;
}

/** True when `bytes` starts with the PNG signature. */
export function hasPngSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Read the chunk starting at `offset`, checking its bounds and CRC. */
export function readChunkAt(bytes: Uint8Array, offset: number): PngChunk {
  if (offset + 12 > bytes.length) throw corruptImage('The PNG file is truncated (incomplete chunk header).');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(offset);
  if (length > 0x7fffffff || offset + 12 + length > bytes.length) {
    throw corruptImage('The PNG file is truncated (a chunk runs past the end of the file).');
  }
  const typeBytes = bytes.subarray(offset + 4, offset + 8);
  const data = bytes.subarray(offset + 8, offset + 8 + length);
  const type = String.fromCharCode(typeBytes[0], typeBytes[1], typeBytes[2], typeBytes[3]);
  if (updateCrc32(updateCrc32(0, typeBytes), data) !== view.getUint32(offset + 8 + length)) {
    throw corruptImage(`The PNG chunk ${JSON.stringify(type)} has a bad CRC.`);
  }
  return { type, data };
}

/**
 * Most chunks a PNG may have. Encoders write IDAT chunks of 8 KiB or more (a 10 MB file has about
 * 1,300); a flood of tiny chunks only costs per-chunk work, so it is refused before any decoding.
 */
export const MAX_PNG_CHUNKS = 65_536;

/**
 * All chunks of a PNG file up to and including IEND.
 *
 * @example
 * const idat = readPngChunks(bytes).filter((c) => c.type === 'IDAT');
 */
export function readPngChunks(bytes: Uint8Array): PngChunk[] {
  if (!hasPngSignature(bytes)) throw corruptImage('The PNG signature is missing.');
  const chunks: PngChunk[] = [];
  let offset = 8;
  for (;;) {
    if (chunks.length >= MAX_PNG_CHUNKS) {
      throw corruptImage(`The PNG has more than ${MAX_PNG_CHUNKS} chunks; write the image data in fewer, larger IDAT chunks.`);
    }
    const chunk = readChunkAt(bytes, offset);
    chunks.push(chunk);
    if (chunk.type === 'IEND') return chunks;
    offset += 12 + chunk.data.length;
  }
}
