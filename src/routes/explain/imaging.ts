/**
 * @module
 * The explain route's only door to image code (decode, preprocess, render, PNG encode).
 *
 * Header reading, decoding and preprocessing are src/image's. TEMPORARY: its rendering and PNG encoder have
 * not landed yet, so this adapter carries minimal stand-ins: bilinear upsampling, jet and gray only among
 * the colormaps, and a PNG encoded in one piece by fast-png rather than streamed. When they
 * land, this file becomes a thin re-export of src/image's functions.
 */
import { encode as encodePng } from 'fast-png';
import type { InputSpec } from '../../manifest.js';

/** Decoding and header reading come from src/image. */
export { readImageHeader } from '../../image/header.js';
export type { ImageHeader } from '../../image/header.js';
export type { RgbImage } from '../../image/types.js';
import { decodeImage as decodeWithLimits } from '../../image/decode.js';
import { preprocessSpecOf } from '../../image/preprocess/from-manifest.js';
import { preprocess as preprocessImage, type PreprocessedImage } from '../../image/preprocess/index.js';
import type { RgbImage } from '../../image/types.js';

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

/** Decode to RGB in display orientation; alpha is composited on `background`. Rejects with ApiErrors. */
export function decodeImage(bytes: Uint8Array, options: { background?: readonly [number, number, number]; maxPixels: number }): Promise<RgbImage> {
  return decodeWithLimits(bytes, options);
}

/** Source indices and weights of bilinear sampling with half-pixel centres along one axis. */
interface Taps {
  i0: Int32Array;
  i1: Int32Array;
  w1: Float32Array;
}

function taps(from: number, to: number): Taps {
  const t = { i0: new Int32Array(to), i1: new Int32Array(to), w1: new Float32Array(to) };
  for (let o = 0; o < to; o++) {
    const f = Math.min(Math.max(((o + 0.5) * from) / to - 0.5, 0), from - 1);
    const i = Math.floor(f);
    t.i0[o] = i;
    t.i1[o] = Math.min(i + 1, from - 1);
    t.w1[o] = f - i;
  }
  return t;
}

/** Bilinear resize (half-pixel centres) of interleaved 8-bit channels to float values. */
function resizeChannels(src: ArrayLike<number>, w: number, h: number, channels: number, W: number, H: number): Float32Array {
  const tx = taps(w, W);
  const ty = taps(h, H);
  const out = new Float32Array(W * H * channels);
  for (let y = 0; y < H; y++) {
    const r0 = ty.i0[y] * w;
    const r1 = ty.i1[y] * w;
    const wy = ty.w1[y];
    for (let x = 0; x < W; x++) {
      const a = tx.i0[x];
      const b = tx.i1[x];
      const wx = tx.w1[x];
      for (let c = 0; c < channels; c++) {
        const top = src[(r0 + a) * channels + c] * (1 - wx) + src[(r0 + b) * channels + c] * wx;
        const bottom = src[(r1 + a) * channels + c] * (1 - wx) + src[(r1 + b) * channels + c] * wx;
        out[(y * W + x) * channels + c] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return out;
}

/**
 * The model's input tensor from an RGB image, as the manifest's input section says (src/image: torchvision-
 * exact resize with antialiasing, crop, ToTensor + Normalize), with the source region it covers.
 */
export function preprocess(image: RgbImage, spec: InputSpec): PreprocessedImage {
  return preprocessImage(image, preprocessSpecOf(spec));
}

function jet(v: number, out: Float32Array, at: number): void {
  out[at] = Math.min(Math.max(1.5 - Math.abs(4 * v - 3), 0), 1);
  out[at + 1] = Math.min(Math.max(1.5 - Math.abs(4 * v - 2), 0), 1);
  out[at + 2] = Math.min(Math.max(1.5 - Math.abs(4 * v - 1), 0), 1);
}

/** Min-max normalise, upsample (bilinear, half-pixel), colour, and blend over the image. */
export function renderCam(map: Float32Array, mapW: number, mapH: number, image: RgbImage, o: RenderOptions): RgbImage {
  let min = Infinity;
  let max = -Infinity;
  for (const v of map) { min = Math.min(min, v); max = Math.max(max, v); }
  const norm = new Float32Array(map.length);
  for (let i = 0; i < map.length; i++) norm[i] = (map[i] - min) / (max - min + 1e-7);
  const up = resizeChannels(norm, mapW, mapH, 1, o.width, o.height);
  const n = o.width * o.height;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const u = Math.floor(255 * up[i]) / 255;
    if (o.colormap === 'gray') out.fill(u, i * 3, i * 3 + 3);
    else jet(u, out, i * 3);
  }
  if (!o.overlay) return { width: o.width, height: o.height, data: toBytes(out, 255) };
  const same = image.width === o.width && image.height === o.height;
  const px = same ? image.data : resizeChannels(image.data, image.width, image.height, 3, o.width, o.height);
  let peak = 0;
  for (let i = 0; i < out.length; i++) {
    const v = (1 - o.alpha) * out[i] + (o.alpha * px[i]) / 255;
    out[i] = v;
    if (v > peak) peak = v;
  }
  return { width: o.width, height: o.height, data: toBytes(out, peak > 0 ? 255 / peak : 0) };
}

/** Truncate scaled floats to bytes (as numpy's uint8 cast of non-negative values). */
function toBytes(values: Float32Array, scale: number): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] * scale;
  return out;
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
