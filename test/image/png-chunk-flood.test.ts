import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { decodeImage } from '../../src/image/decode.js';
import { MAX_PNG_CHUNKS } from '../../src/image/png/chunks.js';
import { ihdr, pngChunk, pngFile } from './png-builder.js';

/** A 465 x 560 RGB8 image's data stream (filter byte 0 per row), noisy enough not to compress away. */
function rawStream(width: number, height: number): Uint8Array {
  const raw = new Uint8Array(height * (width * 3 + 1));
  let seed = 12345;
  for (let i = 0; i < raw.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    raw[i] = i % (width * 3 + 1) === 0 ? 0 : seed >>> 24;
  }
  return raw;
}

/** The same compressed stream split into IDAT chunks of `size` bytes. */
function splitPng(width: number, height: number, zlib: Uint8Array, size: number): Uint8Array {
  const chunks = [pngChunk('IHDR', ihdr(width, height))];
  for (let at = 0; at < zlib.length; at += size) chunks.push(pngChunk('IDAT', zlib.subarray(at, at + size)));
  chunks.push(pngChunk('IEND', new Uint8Array(0)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 8));
  out.set(pngFile());
  let offset = 8;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/**
 * The outcome and the CPU time (user + system, all threads of this process, so zlib's work counts) in ms.
 * CPU time, not wall time: six engineers share two cores, and a loaded machine stretches wall time only.
 */
async function timed<T>(run: () => Promise<T>): Promise<[T | ApiError, number]> {
  const start = process.cpuUsage();
  const ms = () => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
  try {
    const value = await run();
    return [value, ms()];
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return [err, ms()];
  }
}

describe('PNG chunk floods', () => {
  const width = 465;
  const height = 560;
  const zlib = deflateSync(rawStream(width, height), { level: 0 });

  it('a 10 MB body of one-byte IDAT chunks is answered quickly (refused for its chunk count)', async () => {
    const flood = splitPng(width, height, zlib.subarray(0, 800_000), 1);
    expect(flood.length).toBeGreaterThan(10_000_000);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [result, ms] = await timed(() => decodeImage(flood));
      expect(result).toBeInstanceOf(ApiError);
      expect((result as ApiError).status).toBe(422);
      expect((result as ApiError).detail).toMatch(/chunks/);
      times.push(ms);
    }
    expect(Math.min(...times)).toBeLessThan(300);
  });

  it('many small IDAT chunks under the chunk bound decode quickly and to the same pixels as one chunk', async () => {
    const size = Math.ceil(zlib.length / (MAX_PNG_CHUNKS - 10));
    const many = splitPng(width, height, zlib, size);
    const one = splitPng(width, height, zlib, zlib.length);
    const [reference] = await timed(() => decodeImage(one));
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [image, ms] = await timed(() => decodeImage(many));
      expect(image).not.toBeInstanceOf(ApiError);
      const [got, want] = [(image as { data: Uint8Array }).data, (reference as { data: Uint8Array }).data];
      expect(got.length).toBe(want.length);
      expect(
        got.findIndex((v, k) => v !== want[k]),
        'first differing byte',
      ).toBe(-1);
      times.push(ms);
    }
    expect(Math.min(...times)).toBeLessThan(300);
  });

  it('a 10 MB body at the chunk bound (stored deflate, every chunk small) decodes in under 300 ms', async () => {
    const side = 1800;
    const big = deflateSync(rawStream(side, side), { level: 0 });
    const file = splitPng(side, side, big, Math.ceil(big.length / (MAX_PNG_CHUNKS - 10)));
    expect(file.length).toBeGreaterThan(9_500_000);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [image, ms] = await timed(() => decodeImage(file));
      expect(image).not.toBeInstanceOf(ApiError);
      times.push(ms);
    }
    expect(Math.min(...times)).toBeLessThan(300);
  });
});
