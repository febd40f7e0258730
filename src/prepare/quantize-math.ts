/**
 * @module
 * Per-channel symmetric int8 quantization of a weight tensor: for each slice along `axis`,
 * scale = max|w| / 127 and zero point 0, q = round(w / scale) clamped to [-127, 127].
 * DequantizeLinear then computes q * scale (https://onnx.ai/onnx/operators/onnx__DequantizeLinear.html),
 * so every element is reproduced within scale / 2.
 */

/** int8 values and one float32 scale per slice along the quantization axis. */
export interface QuantizedWeight {
  readonly values: Int8Array;
  readonly scales: Float32Array;
  readonly axis: number;
}

/**
 * Quantize a row-major float tensor per slice along `axis`.
 *
 * @example
 * const { values, scales } = quantizePerChannel(w, [64, 3, 7, 7], 0); // scales.length === 64
 */
export function quantizePerChannel(weights: Float32Array, dims: readonly number[], axis: number): QuantizedWeight {
  const channels = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const scales = channelScales(weights, channels, inner);
  const values = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const c = Math.floor(i / inner) % channels;
    const q = Math.round(weights[i]! / scales[c]!);
    values[i] = Math.max(-127, Math.min(127, q));
  }
  return { values, scales, axis };
}

/** max|w| / 127 per channel (1 for an all-zero channel, whose values all quantize to 0). */
function channelScales(weights: Float32Array, channels: number, inner: number): Float32Array {
  const maxAbs = new Float32Array(channels);
  for (let i = 0; i < weights.length; i++) {
    const c = Math.floor(i / inner) % channels;
    const a = Math.abs(weights[i]!);
    if (a > maxAbs[c]!) maxAbs[c] = a;
  }
  return maxAbs.map((m) => (m > 0 ? m / 127 : 1));
}

/** q * scale per element, as DequantizeLinear computes it (float32). */
export function dequantizePerChannel(q: QuantizedWeight, dims: readonly number[]): Float32Array {
  const channels = dims[q.axis]!;
  const inner = dims.slice(q.axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(q.values.length);
  for (let i = 0; i < out.length; i++) out[i] = q.values[i]! * q.scales[Math.floor(i / inner) % channels]!;
  return out;
}
