/**
 * @module
 * YCbCr to RGB exactly as libjpeg(-turbo) does it (jdcolor.c: JFIF/ITU-R BT.601 full range, 16-bit
 * fixed point, rounded), so decoded pixels match the libjpeg-based decoders (Pillow, OpenCV) that
 * PyTorch pipelines use. jpeg-js's own conversion truncates, which biases every channel down by ~0.5.
 */

const SCALEBITS = 16;
const ONE_HALF = 1 << (SCALEBITS - 1);
const fix = (x: number) => Math.floor(x * (1 << SCALEBITS) + 0.5);

const CR_R = new Int32Array(256);
const CB_B = new Int32Array(256);
const CR_G = new Int32Array(256);
const CB_G = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  const x = i - 128;
  CR_R[i] = (fix(1.402) * x + ONE_HALF) >> SCALEBITS;
  CB_B[i] = (fix(1.772) * x + ONE_HALF) >> SCALEBITS;
  CR_G[i] = -fix(0.71414) * x;
  CB_G[i] = -fix(0.34414) * x + ONE_HALF;
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

/**
 * Convert interleaved Y, Cb, Cr triples to R, G, B in place.
 *
 * @example
 * yccToRgbInPlace(pixels); // pixels.length is a multiple of 3
 */
export function yccToRgbInPlace(pixels: Uint8Array): void {
  for (let i = 0; i < pixels.length; i += 3) {
    const y = pixels[i];
    const cb = pixels[i + 1];
    const cr = pixels[i + 2];
    pixels[i] = clamp(y + CR_R[cr]);
    pixels[i + 1] = clamp(y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
    pixels[i + 2] = clamp(y + CB_B[cb]);
  }
}
