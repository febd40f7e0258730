/**
 * @module
 * GlobalAveragePool: every input position gets dY / (number of spatial positions); one Mul with a
 * constant [1, 1, H, W] broadcasts dY [S, C, 1, 1] to X's shape.
 */
import type { GradRule } from '../context.js';
import { constF, mul } from '../emit.js';
import { spatial } from '../window.js';
import { numElements } from '../../onnx/tensor.js';

export const GlobalAveragePool: GradRule = (ctx) => {
  const sp = spatial(ctx.shape(ctx.input(0)));
  const n = numElements(sp);
  return [mul(ctx.e, ctx.dY(), constF(ctx.e, [1, 1, ...sp], new Float32Array(n).fill(1 / n)))];
};
