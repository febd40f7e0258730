/**
 * @module
 * Reversing the five PNG row filters in place (https://www.w3.org/TR/png-3/#9Filter-types).
 */
import { corruptImage } from '../failures.js';

/**
 * Reconstruct one scanline in place.
 *
 * @param buf the whole decompressed data stream
 * @param filter the scanline's filter type (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth)
 * @param cur offset of the scanline's first data byte (after its filter byte)
 * @param prev offset of the previous, already reconstructed scanline of the same pass, or -1
 * @param length bytes in the scanline
 * @param bpp filter stride: bytes per complete pixel, at least 1
 */
export function unfilterRow(buf: Uint8Array, filter: number, cur: number, prev: number, length: number, bpp: number): void {
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = bpp; i < length; i++) buf[cur + i] = (buf[cur + i] + buf[cur + i - bpp]) & 0xff;
      return;
    case 2:
      if (prev >= 0) for (let i = 0; i < length; i++) buf[cur + i] = (buf[cur + i] + buf[prev + i]) & 0xff;
      return;
    case 3:
      unfilterAverage(buf, cur, prev, length, bpp);
      return;
    case 4:
      unfilterPaeth(buf, cur, prev, length, bpp);
      return;
    default:
      throw corruptImage(`The PNG uses an unknown row filter type ${filter}.`);
  }
}

function unfilterAverage(buf: Uint8Array, cur: number, prev: number, length: number, bpp: number): void {
  for (let i = 0; i < length; i++) {
    const left = i >= bpp ? buf[cur + i - bpp] : 0;
    const up = prev >= 0 ? buf[prev + i] : 0;
    buf[cur + i] = (buf[cur + i] + ((left + up) >> 1)) & 0xff;
  }
}

function unfilterPaeth(buf: Uint8Array, cur: number, prev: number, length: number, bpp: number): void {
  if (prev < 0) {
    // Without a previous row the predictor is always the left byte (Paeth(a, 0, 0) = a).
    for (let i = bpp; i < length; i++) buf[cur + i] = (buf[cur + i] + buf[cur + i - bpp]) & 0xff;
    return;
  }
  for (let i = 0; i < length; i++) {
    const a = i >= bpp ? buf[cur + i - bpp] : 0;
    const b = buf[prev + i];
    const c = i >= bpp ? buf[prev + i - bpp] : 0;
    buf[cur + i] = (buf[cur + i] + paethPredictor(a, b, c)) & 0xff;
  }
}

/** The Paeth predictor: whichever of left, up, upper-left is closest to left + up - upper-left. */
export function paethPredictor(a: number, b: number, c: number): number {
  const pa = Math.abs(b - c);
  const pb = Math.abs(a - c);
  const pc = Math.abs(a + b - 2 * c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}
