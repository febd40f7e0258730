/**
 * @module
 * The working memory of a JPEG decode, computed from the frame header before anything is decoded.
 * The (vendored) jpeg-js decoder holds the whole image's DCT coefficients (one Int32Array per
 * component, 128 bytes per 8x8 block), then every component's samples (one `Uint8Array` per line),
 * then the interleaved components (for 1 or 4 components, then an RGB copy); it also copies the file. Our colour pass then adds a chroma plane, and an EXIF rotation a
 * second RGB image. The per-block cost includes V8's per-object overhead, measured with
 * `tools/decode-memory.ts` (peak RSS of a child process; see docs/security.md).
 */
import type { JpegInfo } from './markers.js';

/** Bytes one coefficient block costs: 64 Int16 coefficients. */
export const BLOCK_BYTES = 128;

/** The parts of a JPEG decode's memory, in bytes. */
export interface JpegMemory {
  /** jpeg-js's coefficient blocks, component lines, input copy and output. */
  readonly library: number;
  /** Our chroma re-upsampling plane and the EXIF-oriented copy. */
  readonly ours: number;
}

/**
 * Bytes a decode of this JPEG holds at its peak.
 *
 * @example
 * const { library, ours } = jpegMemory(scanJpeg(bytes), bytes.length);
 * budget.charge(library + ours, 'the JPEG decoder');
 */
export function jpegMemory(info: JpegInfo, fileBytes: number): JpegMemory {
  const { width, height, components } = info.frame;
  const maxH = Math.max(...components.map((c) => c.h));
  const maxV = Math.max(...components.map((c) => c.v));
  const mcusX = Math.ceil(width / 8 / maxH);
  const mcusY = Math.ceil(height / 8 / maxV);
  let blocks = 0;
  let lines = 0;
  let plane = 0;
  for (const c of components) {
    blocks += mcusX * c.h * mcusY * c.v;
    const samplesPerLine = Math.ceil((Math.ceil(width / 8) * c.h) / maxH) * 8;
    const blockRows = Math.ceil((Math.ceil(height / 8) * c.v) / maxV);
    lines += (samplesPerLine + 64) * blockRows * 8; // + per-line typed-array overhead
    plane = Math.max(plane, Math.ceil((width * c.h) / maxH) * Math.ceil((height * c.v) / maxV));
  }
  const rgb = width * height * 3;
  // getData()'s interleaved components, then (except for three components) the RGB copy of them.
  const interleaved = width * height * components.length;
  const library = blocks * BLOCK_BYTES + lines + fileBytes + interleaved + (components.length === 3 ? 0 : rgb);
  const ours = (components.length === 3 ? plane : 0) + (info.orientation >= 2 ? rgb : 0);
  return { library, ours };
}
