/**
 * @module
 * Turning reconstructed PNG scanlines into 8-bit RGB pixels, for every colour type and bit depth
 * (https://www.w3.org/TR/png-3/#7Scanline), with transparency composited on a background colour:
 * - samples of 1, 2 or 4 bits are scaled to 8 bits (v * 255 / (2^depth - 1)); 16-bit samples keep
 *   their high byte (as Pillow and libpng's png_set_strip_16 do);
 * - tRNS: per palette entry, or one grey/RGB key compared at the file's full bit depth;
 * - alpha: out = round((c * a + bg * (255 - a)) / 255) on 8-bit values;
 * - a palette index past the end of PLTE is black (libpng and Pillow behave so; the spec calls it an
 *   error, but refusing a displayable image helps nobody).
 */
import type { Rgb, RgbImage } from '../types.js';
import { CHANNELS, type PngHeader } from './ihdr.js';
import type { PngPass } from './passes.js';

/** The colour information outside IHDR. */
export interface PngColourInfo {
  /** PLTE data (3 bytes per entry), if present. */
  readonly palette?: Uint8Array;
  /** tRNS data, if present. */
  readonly transparency?: Uint8Array;
  /** Colour that transparent pixels are composited on. */
  readonly background: Rgb;
}

/** Writes the pixels of one scanline (`rowIndex` of `pass`, data at `buf[start..]`) into `out`. */
export type RowWriter = (buf: Uint8Array, start: number, pass: PngPass, rowIndex: number, out: RgbImage) => void;

/** Build the row writer for an image. */
export function createRowWriter(header: PngHeader, colour: PngColourInfo): RowWriter {
  const { colorType, bitDepth } = header;
  if (colorType === 2 && bitDepth === 8 && !colour.transparency) return writeRgb8;
  if (colorType === 6 && bitDepth === 8) return rgba8Writer(colour.background);
  if (colorType === 3) return paletteWriter(header, paletteTable(colour));
  return genericWriter(header, colour);
}

/** Composite an 8-bit colour value with alpha over a background value, rounding half up. */
export function compositeOver(c: number, a: number, bg: number): number {
  if (a === 255) return c;
  return (((c * a + bg * (255 - a)) * 2 + 255) / 510) | 0;
}

function writeRgb8(buf: Uint8Array, start: number, pass: PngPass, rowIndex: number, image: RgbImage): void {
  const out = image.data;
  let o = firstOffset(pass, rowIndex, image);
  const step = pass.dx * 3;
  for (let i = 0, s = start; i < pass.width; i++, s += 3, o += step) {
    out[o] = buf[s];
    out[o + 1] = buf[s + 1];
    out[o + 2] = buf[s + 2];
  }
}

function rgba8Writer(bg: Rgb): RowWriter {
  return (buf, start, pass, rowIndex, image) => {
    const out = image.data;
    let o = firstOffset(pass, rowIndex, image);
    const step = pass.dx * 3;
    for (let i = 0, s = start; i < pass.width; i++, s += 4, o += step) {
      const a = buf[s + 3];
      out[o] = compositeOver(buf[s], a, bg[0]);
      out[o + 1] = compositeOver(buf[s + 1], a, bg[1]);
      out[o + 2] = compositeOver(buf[s + 2], a, bg[2]);
    }
  };
}

/** Palette entries already composited on the background, 256 entries (missing ones black). */
function paletteTable(colour: PngColourInfo): Uint8Array {
  const table = new Uint8Array(256 * 3);
  const palette = colour.palette ?? new Uint8Array(0);
  const alpha = colour.transparency ?? new Uint8Array(0);
  for (let i = 0; i < Math.min(256, palette.length / 3); i++) {
    const a = i < alpha.length ? alpha[i] : 255;
    for (let k = 0; k < 3; k++) table[i * 3 + k] = compositeOver(palette[i * 3 + k], a, colour.background[k]);
  }
  return table;
}

function paletteWriter(header: PngHeader, table: Uint8Array): RowWriter {
  const depth = header.bitDepth;
  return (buf, start, pass, rowIndex, image) => {
    const out = image.data;
    let o = firstOffset(pass, rowIndex, image);
    const step = pass.dx * 3;
    for (let i = 0; i < pass.width; i++, o += step) {
      const t = readSample(buf, start, i, depth) * 3;
      out[o] = table[t];
      out[o + 1] = table[t + 1];
      out[o + 2] = table[t + 2];
    }
  };
}

function genericWriter(header: PngHeader, colour: PngColourInfo): RowWriter {
  const { bitDepth: depth, colorType } = header;
  const channels = CHANNELS[colorType];
  const colours = colorType === 0 || colorType === 4 ? 1 : 3;
  const hasAlpha = colorType === 4 || colorType === 6;
  const key = transparencyKey(colour.transparency, colours);
  const to8 = scaleTo8(depth);
  const bg = colour.background;
  return (buf, start, pass, rowIndex, image) => {
    const out = image.data;
    let o = firstOffset(pass, rowIndex, image);
    const step = pass.dx * 3;
    for (let i = 0; i < pass.width; i++, o += step) {
      const s = i * channels;
      const c0 = readSample(buf, start, s, depth);
      const c1 = colours === 3 ? readSample(buf, start, s + 1, depth) : c0;
      const c2 = colours === 3 ? readSample(buf, start, s + 2, depth) : c0;
      let a = hasAlpha ? to8(readSample(buf, start, s + channels - 1, depth)) : 255;
      if (key && c0 === key[0] && c1 === key[1] && c2 === key[2]) a = 0;
      out[o] = compositeOver(to8(c0), a, bg[0]);
      out[o + 1] = compositeOver(to8(c1), a, bg[1]);
      out[o + 2] = compositeOver(to8(c2), a, bg[2]);
    }
  };
}

/** The grey or RGB tRNS key as three full-depth samples (grey repeated), or null. */
function transparencyKey(trns: Uint8Array | undefined, colours: number): [number, number, number] | null {
  if (!trns || trns.length < colours * 2) return null;
  const at = (k: number) => (trns[2 * k] << 8) | trns[2 * k + 1];
  return colours === 1 ? [at(0), at(0), at(0)] : [at(0), at(1), at(2)];
}

/** Sample `index` of a scanline starting at `start`, at any bit depth (big-endian, MSB-first bits). */
export function readSample(buf: Uint8Array, start: number, index: number, depth: number): number {
  if (depth === 8) return buf[start + index];
  if (depth === 16) return (buf[start + 2 * index] << 8) | buf[start + 2 * index + 1];
  const bit = index * depth;
  return (buf[start + (bit >> 3)] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
}

/** Map a sample of the given depth to 8 bits. */
function scaleTo8(depth: number): (v: number) => number {
  if (depth === 16) return (v) => v >> 8;
  const factor = 255 / ((1 << depth) - 1);
  return (v) => v * factor;
}

/** Offset in the output of the first pixel of scanline `rowIndex` of `pass`. */
function firstOffset(pass: PngPass, rowIndex: number, image: RgbImage): number {
  return ((pass.y0 + rowIndex * pass.dy) * image.width + pass.x0) * 3;
}
