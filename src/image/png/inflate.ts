/**
 * @module
 * Bounded zlib decompression of the IDAT stream with the platform's native `DecompressionStream`
 * (workerd and Node both have it, so no JavaScript inflate is bundled).
 *
 * The output size of a valid PNG is known from IHDR, so the decompressor is read into a buffer of
 * exactly that size and stopped as soon as it is full: a "zlib bomb" (a few kilobytes that inflate to
 * gigabytes) costs at most the declared image size, never more. Extra data after the image is ignored,
 * as libpng does; a stream that ends early or is not valid zlib is a corrupt image.
 */
import { corruptImage } from '../failures.js';

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
  let filled = 0;
  try {
    while (filled < size) {
      const { done, value } = await reader.read();
      if (done) break;
      const take = Math.min(value.length, size - filled);
      out.set(take === value.length ? value : value.subarray(0, take), filled);
      filled += take;
    }
  } catch {
    throw corruptImage('The PNG image data is not a valid zlib stream.');
  } finally {
    await reader.cancel().catch(() => undefined);
    await writing;
  }
  if (filled < size) throw corruptImage(`The PNG image data is truncated (${filled} of ${size} bytes).`);
  return out;
}

/** Feed the parts to the decompressor; errors surface on the reading side, so they are swallowed here. */
async function writeAll(writer: WritableStreamDefaultWriter<BufferSource>, parts: readonly Uint8Array[]): Promise<void> {
  try {
    for (const part of parts) await writer.write(part);
    await writer.close();
  } catch {
    // The reader was cancelled (enough data) or the stream failed (reported by the reader).
  }
}
