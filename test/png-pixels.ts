/**
 * @module
 * Test helper: a PNG decoded by fast-png (independent of src/image) to its pixels, with palette images
 * expanded to RGB the way every PNG viewer shows them (the service writes heatmaps as palette images).
 */
import { decode } from 'fast-png';

/** Decoded pixels: 8-bit, `channels` 3 (RGB, also for expanded palette images) or 4 (RGBA). */
export interface RgbPixels {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
  /** True when the file was a palette image. */
  indexed: boolean;
}

/** Decode `bytes`, expanding a palette to RGB. */
export function decodeRgb(bytes: Uint8Array): RgbPixels {
  const d = decode(bytes);
  if (!d.palette) return { width: d.width, height: d.height, channels: d.channels, data: new Uint8Array(d.data), indexed: false };
  const data = new Uint8Array(d.width * d.height * 3);
  for (let i = 0; i < d.width * d.height; i++) data.set(d.palette[d.data[i]].slice(0, 3), i * 3);
  return { width: d.width, height: d.height, channels: 3, data, indexed: true };
}
