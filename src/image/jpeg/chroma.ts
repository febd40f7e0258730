/**
 * @module
 * libjpeg's "fancy" chroma upsampling (jdsample.c, h2v1 and h2v2: a triangle filter, 3/4 of the nearer
 * sample plus 1/4 of the farther, with libjpeg's alternating rounding biases and edge replication).
 *
 * jpeg-js upsamples subsampled components by pixel replication, which differs from libjpeg-based
 * decoders by tens of grey levels at colour edges. Replication keeps every original sample, though:
 * sample (i, j) of a component subsampled by (rx, ry) sits at pixel (j * rx, i * ry). So the original
 * plane is read back from jpeg-js's output and upsampled again the way libjpeg does. Factors other
 * than 2x1 and 2x2 (and planes 2 samples wide or less) keep replication, as libjpeg does too.
 */
import type { JpegComponent } from './markers.js';

/**
 * Re-upsample, in place, every component of interleaved 3-channel data that is subsampled 2x1 or 2x2.
 *
 * @param pixels jpeg-js output without colour transform: raw component values, 3 per pixel
 * @example
 * fancyUpsampleInPlace(raw, width, height, frame.components);
 */
export function fancyUpsampleInPlace(pixels: Uint8Array, width: number, height: number, components: readonly JpegComponent[]): void {
  const maxH = Math.max(...components.map((c) => c.h));
  const maxV = Math.max(...components.map((c) => c.v));
  components.forEach((c, channel) => {
    const rx = maxH / c.h;
    const ry = maxV / c.v;
    const planeWidth = Math.ceil((width * c.h) / maxH);
    const planeHeight = Math.ceil((height * c.v) / maxV);
    if (rx !== 2 || (ry !== 1 && ry !== 2) || planeWidth <= 2) return;
    const plane = readPlane(pixels, width, channel, rx, ry, planeWidth, planeHeight);
    if (ry === 1) upsampleH2V1(plane, planeWidth, planeHeight, pixels, width, height, channel);
    else upsampleH2V2(plane, planeWidth, planeHeight, pixels, width, height, channel);
  });
}

/** The original samples of one component, read from the replicated full-size data. */
function readPlane(pixels: Uint8Array, width: number, channel: number, rx: number, ry: number, pw: number, ph: number): Uint8Array {
  const plane = new Uint8Array(pw * ph);
  for (let i = 0; i < ph; i++) {
    for (let j = 0; j < pw; j++) plane[i * pw + j] = pixels[(i * ry * width + j * rx) * 3 + channel];
  }
  return plane;
}

/** 2x1: out[2j] = (3 s[j] + s[j-1] + 1) >> 2, out[2j+1] = (3 s[j] + s[j+1] + 2) >> 2. */
function upsampleH2V1(plane: Uint8Array, pw: number, ph: number, out: Uint8Array, width: number, height: number, channel: number): void {
  for (let y = 0; y < height; y++) {
    const row = Math.min(y, ph - 1) * pw;
    for (let x = 0; x < width; x++) {
      const j = x >> 1;
      const near = plane[row + j] * 3;
      const far = plane[row + (x & 1 ? Math.min(j + 1, pw - 1) : Math.max(j - 1, 0))];
      out[(y * width + x) * 3 + channel] = (near + far + (x & 1 ? 2 : 1)) >> 2;
    }
  }
}

/**
 * 2x2: column sums c = 3 * (nearer row) + (farther row), then
 * out[2j] = (3 c[j] + c[j-1] + 8) >> 4, out[2j+1] = (3 c[j] + c[j+1] + 7) >> 4.
 */
function upsampleH2V2(plane: Uint8Array, pw: number, ph: number, out: Uint8Array, width: number, height: number, channel: number): void {
  const sums = new Int32Array(pw);
  for (let y = 0; y < height; y++) {
    const i = y >> 1;
    const nearRow = i * pw;
    const farRow = (y & 1 ? Math.min(i + 1, ph - 1) : Math.max(i - 1, 0)) * pw;
    for (let j = 0; j < pw; j++) sums[j] = plane[nearRow + j] * 3 + plane[farRow + j];
    for (let x = 0; x < width; x++) {
      const j = x >> 1;
      const far = x & 1 ? sums[Math.min(j + 1, pw - 1)] : sums[Math.max(j - 1, 0)];
      out[(y * width + x) * 3 + channel] = (sums[j] * 3 + far + (x & 1 ? 7 : 8)) >> 4;
    }
  }
}
