import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { decodeImage } from '../../src/image/decode.js';
import { readImageHeader } from '../../src/image/header.js';
import { fixtureBytes } from './fixtures.js';
import { ihdr, pngChunk, pngFile, rgbPng } from './png-builder.js';

/** The ApiError status and code a promise rejects with (fails the test if it resolves). */
async function failure(promise: Promise<unknown>): Promise<[number, string]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return [error.status, error.code];
    throw new Error(`not an ApiError: ${String(error)}`);
  }
  throw new Error('resolved instead of failing');
}

const png = fixtureBytes('images/png/rgb8.png');
const jpeg = fixtureBytes('images/jpeg/baseline-420.jpg');
const UNSUPPORTED: [number, string] = [415, 'unsupported_media_type'];
const CORRUPT: [number, string] = [422, 'corrupt_image'];
const TOO_LARGE: [number, string] = [413, 'image_too_large'];

describe('format sniffing and the declared type', () => {
  it('reads format and size from the header only', () => {
    expect(readImageHeader(png.subarray(0, 33))).toEqual({ format: 'png', width: 13, height: 11 });
    expect(readImageHeader(jpeg, 'image/jpeg; charset=binary')).toEqual({ format: 'jpeg', width: 45, height: 29 });
  });
  it('reports displayed dimensions for EXIF orientations that swap them', () => {
    expect(readImageHeader(fixtureBytes('images/jpeg/orientation-6.jpg'))).toMatchObject({ width: 29, height: 45 });
  });
  it('refuses unknown bytes and a declared type that disagrees with them (415)', async () => {
    expect(await failure(decodeImage(new TextEncoder().encode('GIF89a...........')))).toEqual(UNSUPPORTED);
    expect(await failure(decodeImage(png, { contentType: 'image/jpeg' }))).toEqual(UNSUPPORTED);
    expect(await failure(decodeImage(jpeg, { contentType: 'image/gif' }))).toEqual(UNSUPPORTED);
  });
  it('lets the bytes decide when the declared type makes no claim', async () => {
    await expect(decodeImage(png, { contentType: 'application/octet-stream' })).resolves.toMatchObject({ format: 'png' });
    await expect(decodeImage(jpeg, { contentType: '' })).resolves.toMatchObject({ format: 'jpeg' });
  });
  it('refuses JPEG variants jpeg-js cannot decode (415)', async () => {
    const lossless = jpeg.slice();
    const sof = findMarker(lossless, 0xc0);
    lossless[sof + 1] = 0xc3;
    expect(await failure(decodeImage(lossless))).toEqual(UNSUPPORTED);
    const twelveBit = jpeg.slice();
    twelveBit[sof + 4] = 12;
    expect(await failure(decodeImage(twelveBit))).toEqual(UNSUPPORTED);
  });
});

describe('the pixel limit is enforced from the header, before decoding (413)', () => {
  it('PNG declaring 100000 x 100000 with no pixel data', async () => {
    const huge = pngFile(pngChunk('IHDR', ihdr(100_000, 100_000)), pngChunk('IEND', new Uint8Array(0)));
    expect(await failure(decodeImage(huge))).toEqual(TOO_LARGE);
  });
  it('JPEG declaring 65000 x 65000', async () => {
    const huge = jpeg.slice();
    const sof = findMarker(huge, 0xc0);
    huge.set([0xfd, 0xe8, 0xfd, 0xe8], sof + 5);
    expect(await failure(decodeImage(huge))).toEqual(TOO_LARGE);
  });
  it('honours a caller-given limit', async () => {
    expect(await failure(decodeImage(png, { maxPixels: 13 * 11 - 1 }))).toEqual(TOO_LARGE);
    await expect(decodeImage(png, { maxPixels: 13 * 11 })).resolves.toBeDefined();
  });
});

describe('corrupt or truncated data is 422, never another error', () => {
  it.each([
    ['PNG', png],
    ['interlaced PNG', fixtureBytes('images/png/palette4-trns-adam7.png')],
    ['JPEG', jpeg],
    ['progressive JPEG', fixtureBytes('images/jpeg/progressive-420.jpg')],
  ])('%s cut at every length', async (_name, bytes) => {
    for (let n = 0; n < bytes.length; n++) {
      const expected = n < 3 || (n < 8 && bytes[0] === 0x89) ? [415, 422] : [422];
      const [status] = await failure(decodeImage(bytes.subarray(0, n)));
      expect(expected, `cut at ${n}`).toContain(status);
    }
  });
  it('PNG with a bad CRC', async () => {
    const bad = png.slice();
    bad[45] ^= 0xff; // inside the first IDAT
    expect(await failure(decodeImage(bad))).toEqual(CORRUPT);
  });
  it('PNG with an unknown row filter, zero width, no IDAT, bad zlib', async () => {
    expect(await failure(decodeImage(rgbPng(2, 1, Uint8Array.of(7, 1, 2, 3, 4, 5, 6))))).toEqual(CORRUPT);
    const zeroWidth = pngFile(pngChunk('IHDR', ihdr(0, 5)), pngChunk('IEND', new Uint8Array(0)));
    expect(await failure(decodeImage(zeroWidth))).toEqual(CORRUPT);
    const noData = pngFile(pngChunk('IHDR', ihdr(2, 2)), pngChunk('IEND', new Uint8Array(0)));
    expect(await failure(decodeImage(noData))).toEqual(CORRUPT);
    const notZlib = pngFile(pngChunk('IHDR', ihdr(2, 2)), pngChunk('IDAT', Uint8Array.of(1, 2, 3, 4)), pngChunk('IEND', new Uint8Array(0)));
    expect(await failure(decodeImage(notZlib))).toEqual(CORRUPT);
  });
  it('PNG with invalid bit depth for its colour type', async () => {
    const bad = pngFile(pngChunk('IHDR', ihdr(2, 2, 4, 2)), pngChunk('IEND', new Uint8Array(0)));
    expect(await failure(decodeImage(bad))).toEqual(CORRUPT);
  });
  it('JPEG with its entropy-coded data garbled', async () => {
    const bad = jpeg.slice();
    const sos = findMarker(bad, 0xda);
    bad.fill(0xff, sos + 20, sos + 60);
    expect(await failure(decodeImage(bad))).toEqual(CORRUPT);
  });
});

describe('resource bounds', () => {
  it('a zlib bomb is refused after inflating at most the declared size plus 1 MiB', async () => {
    const raw = new Uint8Array(64 * 2 ** 20); // 64 MiB of zeros behind a 64 x 64 header
    const bomb = rgbPng(64, 64, raw);
    expect(bomb.length).toBeLessThan(100_000);
    const before = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    expect(await failure(decodeImage(bomb))).toEqual(CORRUPT);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 2 ** 20);
    expect(performance.now() - started).toBeLessThan(500);
  });
  it('accepts trailing bytes after the image data and after a JPEG EOI', async () => {
    const extra = rgbPng(1, 1, Uint8Array.of(0, 10, 20, 30, 99, 99, 99));
    expect((await decodeImage(extra)).data).toEqual(Uint8Array.of(10, 20, 30));
    const padded = new Uint8Array(jpeg.length + 16);
    padded.set(jpeg);
    await expect(decodeImage(padded)).resolves.toMatchObject({ width: 45, height: 29 });
  });
  it('a zlib stream with a bad checksum is corrupt even when the pixels are complete', async () => {
    const z = deflateSync(Uint8Array.of(0, 1, 2, 3));
    z[z.length - 1] ^= 1;
    const file = pngFile(pngChunk('IHDR', ihdr(1, 1)), pngChunk('IDAT', z), pngChunk('IEND', new Uint8Array(0)));
    expect(await failure(decodeImage(file))).toEqual(CORRUPT);
  });
});

/** Offset of the first 0xff `marker` pair in a JPEG. */
function findMarker(bytes: Uint8Array, marker: number): number {
  for (let i = 2; i < bytes.length - 1; i++) if (bytes[i] === 0xff && bytes[i + 1] === marker) return i;
  throw new Error(`marker ${marker.toString(16)} not found`);
}
