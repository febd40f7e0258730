/**
 * @module
 * PNG row filters for encoding (https://www.w3.org/TR/png-3/#9Filter-types) and the adaptive choice
 * libpng uses by default: per row, the filter whose output has the smallest sum of absolute values
 * (bytes read as signed), a cheap estimate of what deflate compresses best.
 */
import { paethPredictor } from './unfilter.js';

/** The encoder's filter strategies. */
export type FilterStrategy = 'none' | 'sub' | 'up' | 'paeth' | 'adaptive';

const TYPES = { none: 0, sub: 1, up: 2, paeth: 4 } as const;

/**
 * Write one filtered scanline (filter byte + data) into `out` at `at`.
 *
 * @param row the raw scanline; `prev` the previous raw scanline or null for the first row
 * @param bpp bytes per pixel (3 for RGB, 4 for RGBA)
 */
export function filterRow(
  strategy: FilterStrategy,
  row: Uint8Array,
  prev: Uint8Array | null,
  bpp: number,
  out: Uint8Array,
  at: number,
): void {
  if (strategy !== 'adaptive') {
    applyFilter(TYPES[strategy], row, prev, bpp, out, at);
    return;
  }
  let best = 0;
  let bestCost = Infinity;
  for (const type of [0, 1, 2, 3, 4]) {
    applyFilter(type, row, prev, bpp, out, at);
    const cost = signedSum(out, at + 1, row.length, bestCost);
    if (cost < bestCost) {
      bestCost = cost;
      best = type;
    }
  }
  if (best !== 4) applyFilter(best, row, prev, bpp, out, at);
}

/** Apply filter `type` (0..4). */
function applyFilter(type: number, row: Uint8Array, prev: Uint8Array | null, bpp: number, out: Uint8Array, at: number): void {
  out[at] = type;
  const o = at + 1;
  const n = row.length;
  switch (type) {
    case 0:
      out.set(row, o);
      return;
    case 1:
      for (let i = 0; i < n; i++) out[o + i] = row[i] - (i >= bpp ? row[i - bpp] : 0);
      return;
    case 2:
      for (let i = 0; i < n; i++) out[o + i] = row[i] - (prev ? prev[i] : 0);
      return;
    case 3:
      for (let i = 0; i < n; i++) out[o + i] = row[i] - (((i >= bpp ? row[i - bpp] : 0) + (prev ? prev[i] : 0)) >> 1);
      return;
    default:
      for (let i = 0; i < n; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const b = prev ? prev[i] : 0;
        const c = prev && i >= bpp ? prev[i - bpp] : 0;
        out[o + i] = row[i] - paethPredictor(a, b, c);
      }
  }
}

/** Sum of |byte as int8|, stopping early once it exceeds `limit`. */
function signedSum(bytes: Uint8Array, start: number, length: number, limit: number): number {
  let sum = 0;
  for (let i = start, end = start + length; i < end; i++) {
    const v = bytes[i];
    sum += v < 128 ? v : 256 - v;
    if (sum >= limit) return sum;
  }
  return sum;
}
