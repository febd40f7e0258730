/**
 * @module
 * The interpolation matrix of one axis of an ONNX Resize: R [output, input] with y = R x, following the
 * operator's specification (https://onnx.ai/onnx/operators/onnx__Resize.html) and onnxruntime's kernel:
 * the output coordinate is mapped to the input by the coordinate transformation mode, then linear mode
 * clamps it to [0, input - 1] and mixes its two neighbours, nearest mode rounds it by `nearest_mode` and
 * clamps the index.
 */

/** One axis of a Resize. */
export interface AxisResize {
  input: number;
  output: number;
  /** output / input, or the node's `scales` value for this axis. */
  scale: number;
  mode: 'linear' | 'nearest';
  coordinates: string;
  nearest: string;
}

/** Input coordinate of output index o (the coordinate transformation modes of the spec). */
export function sourceCoordinate(o: number, a: AxisResize): number {
  switch (a.coordinates) {
    case 'half_pixel':
      return (o + 0.5) / a.scale - 0.5;
    case 'pytorch_half_pixel':
      return a.output > 1 ? (o + 0.5) / a.scale - 0.5 : 0;
    case 'align_corners':
      return a.output === 1 ? 0 : (o * (a.input - 1)) / (a.output - 1);
    case 'asymmetric':
      return o / a.scale;
    case 'tf_half_pixel_for_nn':
      return (o + 0.5) / a.scale;
    default:
      throw new Error(`coordinate_transformation_mode "${a.coordinates}" is not supported.`);
  }
}

function nearestIndex(x: number, mode: string): number {
  switch (mode) {
    case 'round_prefer_floor':
      return x === Math.floor(x) + 0.5 ? Math.floor(x) : Math.round(x);
    case 'round_prefer_ceil':
      return Math.round(x);
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    default:
      throw new Error(`nearest_mode "${mode}" is not supported.`);
  }
}

/**
 * @example
 * interpolationMatrix({ input: 2, output: 4, scale: 2, mode: 'linear', coordinates: 'half_pixel', nearest: 'floor' });
 * // rows [1, 0], [0.75, 0.25], [0.25, 0.75], [0, 1]
 */
export function interpolationMatrix(a: AxisResize): Float32Array {
  const m = new Float32Array(a.output * a.input);
  const last = a.input - 1;
  for (let o = 0; o < a.output; o++) {
    const x = sourceCoordinate(o, a);
    if (a.mode === 'nearest') {
      m[o * a.input + Math.min(last, Math.max(0, nearestIndex(x, a.nearest)))] = 1;
      continue;
    }
    const c = Math.min(last, Math.max(0, x));
    const i0 = Math.floor(c);
    const i1 = Math.min(i0 + 1, last);
    const w1 = c - i0;
    m[o * a.input + i0]! += 1 - w1;
    m[o * a.input + i1]! += w1;
  }
  return m;
}
