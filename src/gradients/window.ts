/**
 * @module
 * Sliding-window geometry shared by the Conv and pooling rules: explicit pads (auto_pad resolved, per the
 * ONNX Conv spec) and the ConvTranspose attributes that map a window output back onto the exact input size.
 */
import type { NodeProto } from '../onnx/proto.js';
import { attrInts, attrString } from '../onnx/attributes.js';

/** Per-spatial-axis window parameters of a Conv or pooling node, with explicit begin pads. */
export interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  padBegin: number[];
  /** End pads as declared (auto_pad resolved); ConvTranspose recomputes its own from the sizes. */
  padEnd: number[];
}

/**
 * Read a node's window attributes and resolve auto_pad to explicit begin pads.
 *
 * @param inSize spatial input sizes, @param kernel kernel sizes (from kernel_shape or the weight)
 */
export function readWindow(node: NodeProto, inSize: number[], kernel: number[]): Window {
  const r = inSize.length;
  const strides = attrInts(node, 'strides', Array(r).fill(1));
  const dilations = attrInts(node, 'dilations', Array(r).fill(1));
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  const pads = attrInts(node, 'pads', Array(2 * r).fill(0));
  const resolved = inSize.map((size, i): [number, number] => {
    if (autoPad === 'VALID') return [0, 0];
    if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') return [pads[i]!, pads[i + r]!];
    const out = Math.ceil(size / strides[i]!);
    const total = Math.max(0, (out - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - size);
    const begin = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
    return [begin, total - begin];
  });
  return { kernel, strides, dilations, padBegin: resolved.map((p) => p[0]), padEnd: resolved.map((p) => p[1]) };
}

/**
 * ConvTranspose attributes (pads, output_padding, strides, dilations, kernel_shape) whose output has exactly
 * `inSize` from an input of `outSize`: the adjoint of the window. The end pad and output_padding absorb
 * floor/ceil rounding: out = s*(h-1) + op + (k-1)*d+1 - pb - pe.
 */
export function transposeAttrs(w: Window, inSize: number[], outSize: number[]): Record<string, number[]> {
  const padEnd: number[] = [];
  const outputPadding: number[] = [];
  inSize.forEach((size, i) => {
    const full = w.strides[i]! * (outSize[i]! - 1) + (w.kernel[i]! - 1) * w.dilations[i]! + 1 - w.padBegin[i]!;
    padEnd.push(Math.max(0, full - size));
    outputPadding.push(Math.max(0, size - full));
  });
  return {
    kernel_shape: w.kernel,
    strides: w.strides,
    dilations: w.dilations,
    pads: [...w.padBegin, ...padEnd],
    output_padding: outputPadding,
  };
}

/** The numeric spatial dims (2..) of a forward shape. */
export function spatial(dims: readonly (number | 'N')[]): number[] {
  return dims.slice(2).map((d) => {
    if (typeof d !== 'number') throw new Error('A spatial dim follows the batch.');
    return d;
  });
}
