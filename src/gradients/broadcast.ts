/**
 * @module
 * Reducing a gradient of a broadcast result back to the shape of one operand (numpy broadcasting rules,
 * https://github.com/onnx/onnx/blob/main/docs/Broadcasting.md): sum over the axes the operand was
 * stretched along, then drop the leading axes it did not have.
 */
import type { Dim } from '../onnx/shapes.js';
import { type Emitter, reduceSum, reshape } from './emit.js';

/** Axes of `out` along which an operand of shape `operand` was broadcast. */
export function broadcastAxes(operand: readonly Dim[], out: readonly Dim[]): number[] {
  const lead = out.length - operand.length;
  const axes: number[] = [];
  for (let i = 0; i < out.length; i++) {
    const d = i < lead ? 1 : operand[i - lead];
    if (d === 1 && out[i] !== 1) axes.push(i);
    else if (i < lead) axes.push(i);
  }
  return axes;
}

/**
 * The gradient `g` (shape `out`, gradient batch in place of 'N') reduced to the operand's shape.
 *
 * @example
 * unbroadcast(e, dY, ['N', 8, 1, 1], ['N', 8, 5, 5]); // ReduceSum over axes 2, 3
 */
export function unbroadcast(e: Emitter, g: string, operand: readonly Dim[], out: readonly Dim[]): string {
  const axes = broadcastAxes(operand, out);
  let r = axes.length > 0 ? reduceSum(e, g, axes, 1) : g;
  if (operand.length < out.length) r = reshape(e, r, operand);
  return r;
}
