/**
 * @module
 * A minimal PNG writer for tests that need malformed or unusual files (bombs, bad CRCs, huge headers).
 * Uses node:zlib for deflate and CRC-32, independent of the code under test.
 */
import { crc32, deflateSync } from 'node:zlib';

/** One chunk with its length and CRC; `crc` overrides the computed CRC. */
export function pngChunk(type: string, data: Uint8Array, crc?: number): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc ?? crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** IHDR data. */
export function ihdr(width: number, height: number, bitDepth = 8, colorType = 2, interlace = 0): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([bitDepth, colorType, 0, 0, interlace], 8);
  return data;
}

/** A whole PNG from chunks (the signature is added). */
export function pngFile(...chunks: Uint8Array[]): Uint8Array {
  const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  const total = chunks.reduce((n, c) => n + c.length, 8);
  const out = new Uint8Array(total);
  out.set(signature);
  let offset = 8;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** An RGB8 PNG of the given size whose data stream is `raw` (filter bytes included), zlib-compressed. */
export function rgbPng(width: number, height: number, raw: Uint8Array): Uint8Array {
  return pngFile(pngChunk('IHDR', ihdr(width, height)), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', new Uint8Array(0)));
}
