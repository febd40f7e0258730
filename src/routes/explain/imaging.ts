/**
 * @module
 * The explain route's only door to image code (decode, preprocess, render, PNG encode).
 *
 * TEMPORARY: src/image (the image helper's module) has not landed yet, so this adapter carries minimal
 * stand-ins built on fast-png and jpeg-js: no EXIF orientation, no antialiased resize, jet/gray only among
 * the colormaps, and the PNG is encoded in one piece rather than streamed. When src/image lands, this file
 * becomes a thin re-export of its functions with the same signatures.
 */
import { decode as decodePng, encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import type { InputSpec } from '../../manifest.js';

/** An 8-bit RGB image, row-major, 3 bytes per pixel. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** What an image header tells before decoding. */
export interface ImageHeader {
  format: 'png' | 'jpeg';
  width: number;
  height: number;
}

/** Rendering options of a CAM map. */
export interface RenderOptions {
  width: number;
  height: number;
  colormap: string;
  /** Image weight of the overlay (pytorch-grad-cam: 0.5); ignored for heatmaps. */
  alpha: number;
  overlay: boolean;
}

/** Colormaps the renderer knows. */
export const COLORMAPS: readonly string[] = ['jet', 'turbo', 'viridis', 'inferno', 'gray'];

/** Width and height from a PNG IHDR or a JPEG SOFn marker; null when the bytes are neither. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && view.getUint32(0) === 0x89504e47 && view.getUint32(12) === 0x49484452) {
    return { format: 'png', width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length < 4 || view.getUint16(0) !== 0xffd8) return null;
  let p = 2;
  while (p + 9 < bytes.length) {
    if (bytes[p] !== 0xff) return null;
    const marker = bytes[p + 1];
    if (marker === 0xff) { p++; continue; }
    const length = view.getUint16(p + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { format: 'jpeg', width: view.getUint16(p + 7), height: view.getUint16(p + 5) };
    p += 2 + length;
  }
  return { format: 'jpeg', width: 0, height: 0 };
}

/** Decode to RGB; alpha is composited on `background`. Throws on corrupt data. */
export function decodeImage(bytes: Uint8Array, background: [number, number, number] = [255, 255, 255]): RgbImage {
  const header = readImageHeader(bytes);
  if (header?.format === 'jpeg') {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: 100 });
    return { width: img.width, height: img.height, data: img.data };
  }
  const png = decodePng(bytes);
  const { width, height, channels } = png;
  const src = png.palette ? expandPalette(png) : png.data;
  const max = png.depth === 16 ? 65535 : png.palette ? 255 : (1 << png.depth) - 1;
  const out = new Uint8Array(width * height * 3);
  const colour = channels >= 3;
  const hasAlpha = channels === 2 || channels === 4;
  const n = png.palette ? 4 : channels;
  for (let i = 0; i < width * height; i++) {
    const a = hasAlpha || png.palette ? src[i * n + n - 1] / (png.palette ? 255 : max) : 1;
    for (let k = 0; k < 3; k++) {
      const v = (colour || png.palette ? src[i * n + k] : src[i * n]) / (png.palette ? 255 : max);
      out[i * 3 + k] = Math.round(255 * (v * a) + background[k] * (1 - a));
    }
  }
  return { width, height, data: out };
}

function expandPalette(png: ReturnType<typeof decodePng>): Uint8Array {
  const palette = png.palette!;
  const trns = png.transparency;
  const out = new Uint8Array(png.width * png.height * 4);
  const bits = png.depth;
  const perRow = Math.ceil((png.width * bits) / 8);
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const bitPos = x * bits;
      const byte = png.data[y * perRow + (bitPos >> 3)];
      const index = bits === 8 ? byte : (byte >> (8 - bits - (bitPos & 7))) & ((1 << bits) - 1);
      const entry = palette[index] ?? [0, 0, 0];
      const o = (y * png.width + x) * 4;
      out[o] = entry[0];
      out[o + 1] = entry[1];
      out[o + 2] = entry[2];
      out[o + 3] = (entry as number[])[3] ?? (trns && index < trns.length ? trns[index] : 255);
    }
  }
  return out;
}

/** Bilinear sample with half-pixel centres of a single-channel plane. */
function bilinear(plane: ArrayLike<number>, w: number, h: number, x: number, y: number, stride = 1, offset = 0): number {
  const fx = Math.min(Math.max(x, 0), w - 1);
  const fy = Math.min(Math.max(y, 0), h - 1);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, w - 1);
  const y1 = Math.min(y0 + 1, h - 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const at = (xx: number, yy: number) => plane[(yy * w + xx) * stride + offset];
  return (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x1, y0)) + ay * ((1 - ax) * at(x0, y1) + ax * at(x1, y1));
}

/** Resize (stretch, bilinear) and normalise to the model's NCHW float32 input. */
export function preprocess(image: RgbImage, spec: InputSpec): Float32Array {
  const [, , H, W] = spec.shape as [unknown, number, number, number];
  const out = new Float32Array(3 * H * W);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const sx = ((x + 0.5) * image.width) / W - 0.5;
      const sy = ((y + 0.5) * image.height) / H - 0.5;
      for (let c = 0; c < 3; c++) {
        const v = bilinear(image.data, image.width, image.height, sx, sy, 3, c) / 255;
        out[c * H * W + y * W + x] = (v - spec.mean[c]) / spec.std[c];
      }
    }
  }
  return out;
}

function jet(v: number): [number, number, number] {
  const r = Math.min(Math.max(1.5 - Math.abs(4 * v - 3), 0), 1);
  const g = Math.min(Math.max(1.5 - Math.abs(4 * v - 2), 0), 1);
  const b = Math.min(Math.max(1.5 - Math.abs(4 * v - 1), 0), 1);
  return [r, g, b];
}

/** Min-max normalise, upsample (bilinear, half-pixel), colour, and blend over the image. */
export function renderCam(map: Float32Array, mapW: number, mapH: number, image: RgbImage, o: RenderOptions): RgbImage {
  let min = Infinity;
  let max = -Infinity;
  for (const v of map) { min = Math.min(min, v); max = Math.max(max, v); }
  const norm = Float32Array.from(map, (v) => (v - min) / (max - min + 1e-7));
  const out = new Float32Array(o.width * o.height * 3);
  let peak = 0;
  for (let y = 0; y < o.height; y++) {
    for (let x = 0; x < o.width; x++) {
      const m = bilinear(norm, mapW, mapH, ((x + 0.5) * mapW) / o.width - 0.5, ((y + 0.5) * mapH) / o.height - 0.5);
      const u = Math.floor(255 * m) / 255;
      const heat = o.colormap === 'gray' ? [u, u, u] : jet(u);
      for (let c = 0; c < 3; c++) {
        let v = heat[c];
        if (o.overlay) {
          const px = bilinear(image.data, image.width, image.height, ((x + 0.5) * image.width) / o.width - 0.5, ((y + 0.5) * image.height) / o.height - 0.5, 3, c) / 255;
          v = (1 - o.alpha) * v + o.alpha * px;
        }
        out[(y * o.width + x) * 3 + c] = v;
        peak = Math.max(peak, v);
      }
    }
  }
  const scale = o.overlay && peak > 0 ? 1 / peak : 1;
  return { width: o.width, height: o.height, data: Uint8Array.from(out, (v) => Math.floor(255 * v * scale)) };
}

/** Encode RGB as PNG, as a stream. */
export function encodePngStream(image: RgbImage): ReadableStream<Uint8Array> {
  const bytes = encodePng({ width: image.width, height: image.height, data: image.data, channels: 3, depth: 8 });
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}
