/**
 * @module
 * Bounded zlib decompression of the IDAT stream with the platform's native `DecompressionStream`
 * (workerd and Node both have it, so no JavaScript inflate is bundled).
 *
 * The output size of a valid PNG is known from IHDR, so the output goes into a buffer of exactly that
 * size. Whatever inflates beyond it is read and dropped, up to {@link MAX_EXCESS} bytes (so the zlib
 * checksum at the end is still verified); more than that is a "zlib bomb" (a few kilobytes that
 * inflate to gigabytes) and is refused without inflating the rest. A stream that ends early, fails its
 * checksum or is not zlib is a corrupt image.
 */
import { corruptImage } from '../failures.js';

/** Bytes of surplus image data tolerated (and discarded) after the declared image. */
export const MAX_EXCESS = 1 << 20;

/**
 * Inflate the concatenation of `parts` (one zlib stream) into exactly `size` bytes.
 *
 * @example
 * const raw = await inflateExactly(idatChunks.map((c) => c.data), dataStreamSize(passes));
 */
export async function inflateExactly(parts: readonly Uint8Array[], size: number): Promise<Uint8Array> {
  const stream = new DecompressionStream('deflate');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const writing = writeAll(writer, parts);
  const out = new Uint8Array(size);
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await readChunk(reader);
      if (done) break;
      if (total < size) out.set(value.subarray(0, Math.min(value.length, size - total)), total);
      total += value.length;
      if (total > size + MAX_EXCESS) throw corruptImage('The PNG image data inflates to far more than the header declares.');
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    await writing;
  }
  if (total < size) throw corruptImage(`The PNG image data is truncated (${total} of ${size} bytes).`);
  return out;
}

/** One read, with decompression errors (bad zlib, bad checksum, early end) reported as corrupt. */
async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch {
    throw corruptImage('The PNG image data is not a valid zlib stream (corrupt or truncated).');
  }
}

/** Feed the parts to the decompressor; errors surface on the reading side, so they are swallowed here. */
async function writeAll(writer: WritableStreamDefaultWriter<BufferSource>, parts: readonly Uint8Array[]): Promise<void> {
  try {
    for (const part of parts) await writer.write(part);
    await writer.close();
  } catch {
    // The reader was cancelled or the stream failed (reported by the reader).
  }
}
