/**
 * @module
 * Bounded, streaming zlib decompression of the IDAT stream with the platform's native
 * `DecompressionStream` (workerd and Node both have it, so no JavaScript inflate is bundled).
 *
 * The decompressed bytes are handed to a sink as they come (the caller turns them into scanlines), so
 * the whole data stream never sits in memory. The IDAT chunks are coalesced into writes of at least
 * {@link WRITE_BYTES}: each write into the decompressor is an awaited round trip, and a file of
 * thousands of tiny chunks must cost no more than one of large chunks.
 *
 * The output size of a valid PNG is known from IHDR. Whatever inflates beyond it is dropped, up to
 * {@link MAX_EXCESS} bytes (so the zlib checksum at the end is still verified); more than that is a
 * "zlib bomb" and is refused without inflating the rest. A stream that ends early, fails its checksum
 * or is not zlib is a corrupt image.
 */
import { corruptImage } from '../failures.js';

/** Bytes of surplus image data tolerated (and discarded) after the declared image. */
export const MAX_EXCESS = 1 << 20;

/** Smallest write into the decompressor (smaller consecutive IDAT chunks are joined). */
export const WRITE_BYTES = 1 << 16;

/**
 * Inflate the concatenation of `parts` (one zlib stream), passing the first `size` bytes to `sink` in
 * order, in pieces of any length.
 *
 * @example
 * await inflateInto(idatChunks.map((c) => c.data), dataStreamSize(passes), (bytes) => rows.push(bytes));
 */
export async function inflateInto(parts: readonly Uint8Array[], size: number, sink: (bytes: Uint8Array) => void): Promise<void> {
  const stream = new DecompressionStream('deflate');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const writing = writeAll(writer, coalesce(parts, WRITE_BYTES));
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await readChunk(reader);
      if (done) break;
      if (total < size) sink(value.subarray(0, Math.min(value.length, size - total)));
      total += value.length;
      if (total > size + MAX_EXCESS) throw corruptImage('The PNG image data inflates to far more than the header declares.');
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    await writing;
  }
  if (total < size) throw corruptImage(`The PNG image data is truncated (${total} of ${size} bytes).`);
}

/** The parts regrouped lazily into pieces of at least `min` bytes (large parts pass through uncopied). */
export function* coalesce(parts: readonly Uint8Array[], min: number): Generator<Uint8Array> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = (): Uint8Array => {
    const joined = new Uint8Array(pendingBytes);
    let at = 0;
    for (const p of pending) {
      joined.set(p, at);
      at += p.length;
    }
    pending = [];
    pendingBytes = 0;
    return joined;
  };
  for (const part of parts) {
    if (part.length === 0) continue;
    if (part.length >= min && pendingBytes === 0) {
      yield part;
      continue;
    }
    pending.push(part);
    pendingBytes += part.length;
    if (pendingBytes >= min) yield flush();
  }
  if (pendingBytes > 0) yield flush();
}

/** One read, with decompression errors (bad zlib, bad checksum, early end) reported as corrupt. */
async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch {
    throw corruptImage('The PNG image data is not a valid zlib stream (corrupt or truncated).');
  }
}

/** Feed the pieces to the decompressor; errors surface on the reading side, so they are swallowed here. */
async function writeAll(writer: WritableStreamDefaultWriter<BufferSource>, pieces: Iterable<Uint8Array>): Promise<void> {
  try {
    for (const piece of pieces) await writer.write(piece);
    await writer.close();
  } catch {
    // The reader was cancelled or the stream failed (reported by the reader).
  }
}
