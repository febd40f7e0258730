/**
 * @module
 * The PNG container for the encoders (https://www.w3.org/TR/png-3/#5DataRep): signature, chunk framing
 * with CRC-32, and the IHDR of an 8-bit image without interlacing.
 */
import { updateCrc32 } from '../crc32.js';
import { PNG_SIGNATURE } from './chunks.js';

export { PNG_SIGNATURE };

/** PNG colour types the encoders write: RGB (2), palette indices (3), RGBA (6). */
export type EncodedColourType = 2 | 3 | 6;

/** IHDR data: 8-bit, the colour type, deflate, adaptive filtering, no interlace. */
export function ihdrData(width: number, height: number, colourType: EncodedColourType): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([8, colourType, 0, 0, 0], 8);
  return data;
}

/** A chunk: length, type, data, CRC-32 of type and data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, updateCrc32(0, out.subarray(4, 8 + data.length)));
  return out;
}

/** The byte arrays one after another in a new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
