/**
 * @module
 * Gemm: Y = alpha * A' B' + beta * C with A' = transA ? A^T : A, B' likewise.
 * dA' = alpha dY B'^T, dB' = alpha A'^T dY, dC = beta dY reduced to C's shape. Each is one Gemm on the
 * original tensors (the weight is read in place, never transposed into a copy).
 */
import type { GradRule } from '../context.js';
import { attrFloat, attrInt } from '../../onnx/attributes.js';
import { unbroadcast } from '../broadcast.js';
import { op, scale } from '../emit.js';

export const Gemm: GradRule = (ctx) => {
  const [a, b] = [ctx.input(0), ctx.input(1)];
  const alpha = { float: attrFloat(ctx.node, 'alpha', 1) };
  const transA = attrInt(ctx.node, 'transA', 0);
  const transB = attrInt(ctx.node, 'transB', 0);
  const dY = ctx.dY();
  const dA = !ctx.needsGrad(0)
    ? undefined
    : transA === 0
      ? op(ctx.e, 'Gemm', [dY, b], { alpha, transB: 1 - transB })
      : op(ctx.e, 'Gemm', [b, dY], { alpha, transA: transB, transB: 1 });
  const dB = !ctx.needsGrad(1)
    ? undefined
    : transB === 0
      ? op(ctx.e, 'Gemm', [a, dY], { alpha, transA: 1 - transA })
      : op(ctx.e, 'Gemm', [dY, a], { alpha, transA: 1, transB: transA });
  const dC = ctx.needsGrad(2)
    ? unbroadcast(ctx.e, scale(ctx.e, dY, attrFloat(ctx.node, 'beta', 1)), ctx.shape(ctx.input(2)), ctx.shape(ctx.output()))
    : undefined;
  return [dA, dB, dC];
};
