import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { decodeImage } from '../../src/image/index.js';
import { ihdr, pngChunk, pngFile } from '../image/png-builder.js';
import { mutated, runs, Tally } from './mutate.js';

const DIR = 'test/fixtures/images';
const corpus = ['png', 'jpeg'].flatMap((sub) =>
  readdirSync(join(DIR, sub))
    .filter((f) => /\.(png|jpe?g)$/.test(f))
    .map((f) => new Uint8Array(readFileSync(join(DIR, sub, f)))),
);
const MAX_PIXELS = 4_000_000;
const tally = new Tally();

/** Decode and classify the outcome; anything but a valid image or a 4xx ApiError fails the property. */
async function outcome(bytes: Uint8Array, contentType: string | null): Promise<string> {
  const start = performance.now();
  let result: string;
  try {
    const image = await decodeImage(bytes, { maxPixels: MAX_PIXELS, contentType });
    expect(image.width).toBeGreaterThan(0);
    expect(image.height).toBeGreaterThan(0);
    expect(image.width * image.height).toBeLessThanOrEqual(MAX_PIXELS);
    expect(image.data.length).toBe(image.width * image.height * 3);
    result = 'decoded';
  } catch (err) {
    if (!(err instanceof ApiError)) throw new Error(`not an ApiError: ${String(err)}`);
    expect([413, 415, 422]).toContain(err.status);
    expect(err.detail).not.toMatch(/\bat .*\(|wasm|stack/i);
    result = String(err.status);
  }
  const ms = performance.now() - start;
  expect(ms).toBeLessThan(5000);
  tally.add(result, ms);
  return result;
}

/** Mostly no declared type (the sniffed format decides), sometimes a declared one, right or wrong. */
const contentType = fc.oneof(
  { arbitrary: fc.constant<string | null>(null), weight: 4 },
  { arbitrary: fc.constantFrom<string | null>('image/png', 'image/jpeg'), weight: 1 },
);

describe('fuzz: image decoders (PNG, JPEG)', () => {
  afterAll(() => console.log(tally.report('image decoders')));

  it(`mutated corpus files (${corpus.length} valid files) end in a valid image or a 4xx ApiError`, async () => {
    expect(corpus.length).toBeGreaterThan(20);
    await fc.assert(
      fc.asyncProperty(mutated(corpus, 3), contentType, async (bytes, type) => void (await outcome(bytes, type))),
      {
        numRuns: runs(2500),
        seed: Number(process.env.FUZZ_SEED ?? 7),
      },
    );
  });

  it('random bytes, and random bytes behind a real signature', async () => {
    const png = corpus.find((b) => b[0] === 0x89)!.subarray(0, 33);
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }),
      fc.uint8Array({ maxLength: 2048 }).map((b) => Uint8Array.of(...png, ...b)),
      fc.uint8Array({ maxLength: 2048 }).map((b) => Uint8Array.of(0xff, 0xd8, 0xff, ...b)),
    );
    await fc.assert(
      fc.asyncProperty(bytes, contentType, async (b, type) => void (await outcome(b, type))),
      { numRuns: runs(500), seed: 11 },
    );
  });

  it('refuses decompression bombs and huge declared dimensions without inflating them', async () => {
    // a zlib bomb: a 64 x 64 image whose few-kB IDAT inflates to 12 MB more than the header declares
    const declared = 64;
    const needed = (declared * 3 + 1) * declared;
    const bomb = pngFile(
      pngChunk('IHDR', ihdr(declared, declared)),
      pngChunk('IDAT', deflateSync(new Uint8Array(needed + (12 << 20)))),
      pngChunk('IEND', new Uint8Array(0)),
    );
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(await outcome(bomb, 'image/png')).toBe('422');
    // within the pixel limit, but the data stop early: refused after inflating what is there
    const short = pngFile(
      pngChunk('IHDR', ihdr(1999, 1999)),
      pngChunk('IDAT', deflateSync(new Uint8Array(1000))),
      pngChunk('IEND', new Uint8Array(0)),
    );
    expect(await outcome(short, 'image/png')).toBe('422');
    // over the pixel limit: refused from the header alone
    for (const [w, h] of [
      [4001, 1000],
      [65535, 65535],
      [2 ** 31 - 1, 2 ** 31 - 1],
    ]) {
      const huge = pngFile(
        pngChunk('IHDR', ihdr(w, h)),
        pngChunk('IDAT', deflateSync(new Uint8Array(10))),
        pngChunk('IEND', new Uint8Array(0)),
      );
      expect(['413', '422']).toContain(await outcome(huge, 'image/png'));
    }
    // a real 4-megapixel image of zeros (12 MB raw) deflates to ~12 kB and decodes within the limit
    const side = 2000;
    const zeros = pngFile(
      pngChunk('IHDR', ihdr(side, side)),
      pngChunk('IDAT', deflateSync(new Uint8Array((side * 3 + 1) * side))),
      pngChunk('IEND', new Uint8Array(0)),
    );
    expect(await outcome(zeros, 'image/png')).toBe('decoded');
  });
});
