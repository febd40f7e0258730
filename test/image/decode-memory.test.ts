/**
 * The working memory of one decode, measured: each image is decoded in a fresh Node process
 * (tools/decode-memory.ts) and the growth of its peak resident set over the resident set before the
 * decode is compared with the 48 MB target. The child runs with a 1 MiB young generation, so garbage
 * (the platform decompressor's 16 KiB output chunks) is collected about as promptly as in a
 * memory-constrained isolate; what the collector has not freed yet still counts, so the number is an
 * upper bound of what the decode keeps alive.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import encode from 'jpeg-js/lib/encoder.js';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { DEFAULT_MAX_DECODE_BYTES } from '../../src/image/budget.js';
import { decodeImage } from '../../src/image/decode.js';
import { scanJpeg } from '../../src/image/jpeg/markers.js';
import { jpegMemory } from '../../src/image/jpeg/memory.js';
import { ihdr, pngChunk, pngFile } from './png-builder.js';

const TARGET = 48e6;
const dir = mkdtempSync(join(tmpdir(), 'decode-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Scanline count and bytes of each Adam7 pass (or of the one plain pass). */
function passes(width: number, height: number, bits: number, interlace: number): [number, number][] {
  const grid = interlace
    ? [
        [0, 0, 8, 8],
        [4, 0, 8, 8],
        [0, 4, 4, 8],
        [2, 0, 4, 4],
        [0, 2, 2, 4],
        [1, 0, 2, 2],
        [0, 1, 1, 2],
      ]
    : [[0, 0, 1, 1]];
  return grid
    .map(([x0, y0, dx, dy]) => [Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)])
    .filter(([w, h]) => w > 0 && h > 0)
    .map(([w, h]) => [h, Math.ceil((w * bits) / 8)]);
}

/** A PNG with a noisy gradient (so it does not compress to nothing), any depth/colour type/interlace. */
function png(width: number, height: number, depth: number, colorType: number, channels: number, interlace = 0): Uint8Array {
  const layout = passes(width, height, channels * depth, interlace);
  const raw = new Uint8Array(layout.reduce((n, [rows, bytes]) => n + rows * (bytes + 1), 0));
  let at = 0;
  for (const [rows, bytes] of layout) {
    for (let y = 0; y < rows; y++, at += bytes + 1) {
      for (let i = 0; i < bytes; i++) raw[at + 1 + i] = (i * 7 + y * 3 + ((i * y) >> 5)) & 255;
    }
  }
  return pngFile(
    pngChunk('IHDR', ihdr(width, height, depth, colorType, interlace)),
    pngChunk('IDAT', deflateSync(raw, { level: 1 })),
    pngChunk('IEND', new Uint8Array(0)),
  );
}

/** The largest square 4:4:4 JPEG (jpeg-js's encoder) whose decode fits the default budget. */
function largestJpeg(): Uint8Array {
  for (let side = 1500; side > 200; side -= 50) {
    const data = new Uint8Array(side * side * 4);
    for (let i = 0; i < data.length; i++) data[i] = (i * 13 + (i >> 12)) & 255;
    const file = new Uint8Array(encode({ data, width: side, height: side }, 90).data);
    const m = jpegMemory(scanJpeg(file), file.length);
    if (m.library + m.ours <= DEFAULT_MAX_DECODE_BYTES) return file;
  }
  throw new Error('no JPEG fits');
}

interface Measured {
  ok: boolean;
  width?: number;
  peakBytes: number;
  budgetPeak: number;
}

function measure(name: string, bytes: Uint8Array): Measured {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--max-semi-space-size=1', '--import', 'tsx', 'tools/decode-memory.ts', file],
    {
      encoding: 'utf8',
    },
  );
  const result = JSON.parse(out.trim().split('\n').pop()!) as Measured;
  console.log(`${name}: peak ${(result.peakBytes / 1e6).toFixed(1)} MB, accounted ${(result.budgetPeak / 1e6).toFixed(1)} MB`);
  return result;
}

// The largest PNG the default budget accepts: 3 bytes per pixel of output, whatever the depth.
const side = Math.floor(Math.sqrt((DEFAULT_MAX_DECODE_BYTES - 2 ** 20) / 3));

describe('decode working memory (measured in a child process)', () => {
  it.each([
    ['8-bit RGB PNG', () => png(side, side, 8, 2, 3)],
    ['16-bit RGBA PNG', () => png(side, side, 16, 6, 4)],
    ['16-bit RGBA Adam7 PNG', () => png(side, side, 16, 6, 4, 1)],
    ['4:4:4 JPEG', largestJpeg],
  ])('the largest accepted %s stays under 48 MB', (name, make) => {
    const result = measure(`${name.replace(/\W+/g, '-')}.img`, make());
    expect(result.ok).toBe(true);
    expect(result.budgetPeak).toBeLessThanOrEqual(DEFAULT_MAX_DECODE_BYTES);
    expect(result.peakBytes).toBeLessThan(TARGET);
  });

  it('images whose decode needs more than the budget are refused (413) before decoding', async () => {
    for (const bytes of [png(4000, 3000, 16, 6, 4), png(side + 64, side + 64, 8, 2, 3)]) {
      const err = await decodeImage(bytes).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(413);
      expect((err as ApiError).detail).toMatch(/MiB/);
    }
  });
});
