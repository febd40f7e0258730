/**
 * @module
 * Bilinear resizing of a float32 map exactly as OpenCV's `cv2.resize(map, (width, height))` with the
 * default INTER_LINEAR does it for float32 (modules/imgproc/src/resize.cpp, the generic separable path):
 * half-pixel centres, source coordinate `(float)((d + 0.5) * scale - 0.5)`, float32 weights
 * `1 - f` and `f`; horizontally, outputs past either edge take the edge sample; vertically, rows are
 * clamped but keep their weights. Horizontal then vertical pass, float32 arithmetic throughout.
 */
import type { FloatMap } from '../types.js';

const f32 = Math.fround;

/** Source index and weights of each output position along one axis. */
interface AxisTaps {
  readonly index: Int32Array;
  readonly w0: Float32Array;
  readonly w1: Float32Array;
}

/** OpenCV's coefficients for one axis; `clampWeights` is the horizontal rule (edge outputs copy the edge). */
function axisTaps(inSize: number, outSize: number, clampWeights: boolean): AxisTaps {
  const scale = 1 / (outSize / inSize);
  const taps = { index: new Int32Array(outSize), w0: new Float32Array(outSize), w1: new Float32Array(outSize) };
  for (let d = 0; d < outSize; d++) {
    let f = f32((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f = f32(f - s);
    if (clampWeights && s < 0) {
      s = 0;
      f = 0;
    }
    if (clampWeights && s >= inSize - 1) {
      s = inSize - 1;
      f = 0;
    }
    taps.index[d] = s;
    taps.w0[d] = f32(1 - f);
    taps.w1[d] = f;
  }
  return taps;
}

/** One source row resized horizontally into `out` (float32). */
function resizeRow(src: Float32Array, offset: number, inWidth: number, taps: AxisTaps, out: Float32Array): void {
  for (let d = 0; d < out.length; d++) {
    const s = taps.index[d];
    if (s + 1 >= inWidth) out[d] = src[offset + s];
    else out[d] = f32(src[offset + s] * taps.w0[d]) + f32(src[offset + s + 1] * taps.w1[d]);
  }
}

/**
 * Resize a float map to `width` x `height` like cv2.resize(..., interpolation=INTER_LINEAR).
 *
 * @example
 * resizeBilinear({ width: 7, height: 7, data: cam }, 224, 224);
 */
export function resizeBilinear(map: FloatMap, width: number, height: number): FloatMap {
  if (width === map.width && height === map.height) return { width, height, data: map.data.slice() };
  const tx = axisTaps(map.width, width, true);
  const ty = axisTaps(map.height, height, false);
  const rows = new Map<number, Float32Array>();
  const row = (sy: number) => {
    const y = Math.min(Math.max(sy, 0), map.height - 1);
    let r = rows.get(y);
    if (!r) {
      r = new Float32Array(width);
      resizeRow(map.data, y * map.width, map.width, tx, r);
      rows.set(y, r);
    }
    return r;
  };
  const out = new Float32Array(width * height);
  for (let d = 0; d < height; d++) {
    const r0 = row(ty.index[d]);
    const r1 = row(ty.index[d] + 1);
    const b0 = ty.w0[d];
    const b1 = ty.w1[d];
    for (let x = 0, o = d * width; x < width; x++, o++) out[o] = f32(r0[x] * b0) + f32(r1[x] * b1);
  }
  return { width, height, data: out };
}
