/**
 * @module
 * MatMul (numpy semantics, batched and broadcasting, operands of rank >= 2): dA = dY B^T and dB = A^T dY
 * over the last two axes, each reduced over the batch axes it was broadcast along. A constant 2-D weight B
 * is read in place by a Gemm (transB = 1) on dY flattened to 2-D: no transposed copy of the weight.
 */
import type { GradContext, GradRule } from '../context.js';
import type { Dim } from '../../onnx/shapes.js';
import { unbroadcast } from '../broadcast.js';
import { op, reshape } from '../emit.js';

const swapLast = (rank: number): number[] =>
  [...Array(rank).keys()].map((i) => (i === rank - 2 ? rank - 1 : i === rank - 1 ? rank - 2 : i));

function broadcastBatch(a: Dim[], b: Dim[]): Dim[] {
  const [ba, bb] = [a.slice(0, -2), b.slice(0, -2)];
  const n = Math.max(ba.length, bb.length);
  return Array.from({ length: n }, (_, i) => {
    const [da, db] = [ba[ba.length - n + i] ?? 1, bb[bb.length - n + i] ?? 1];
    return da === 1 ? db : da;
  });
}

function gradA(ctx: GradContext, a: Dim[], b: Dim[]): string {
  const { e } = ctx;
  const dY = ctx.dY();
  if (b.length === 2 && ctx.constant(ctx.input(1))) {
    if (a.length === 2) return op(e, 'Gemm', [dY, ctx.input(1)], { transB: 1 });
    const rows = reshape(e, dY, [-1, b[1]!] as Dim[]);
    return reshape(e, op(e, 'Gemm', [rows, ctx.input(1)], { transB: 1 }), a);
  }
  const full = op(e, 'MatMul', [dY, op(e, 'Transpose', [ctx.input(1)], { perm: swapLast(b.length) })]);
  return unbroadcast(e, full, a, [...broadcastBatch(a, b), ...a.slice(-2)]);
}

function gradB(ctx: GradContext, a: Dim[], b: Dim[]): string {
  const full = op(ctx.e, 'MatMul', [op(ctx.e, 'Transpose', [ctx.input(0)], { perm: swapLast(a.length) }), ctx.dY()]);
  return unbroadcast(ctx.e, full, b, [...broadcastBatch(a, b), ...b.slice(-2)]);
}

export const MatMul: GradRule = (ctx) => {
  const [a, b] = [ctx.shape(ctx.input(0)), ctx.shape(ctx.input(1))];
  if (a.length < 2 || b.length < 2) throw ctx.unsupported('1-D operands are not supported.');
  return [ctx.needsGrad(0) ? gradA(ctx, a, b) : undefined, ctx.needsGrad(1) ? gradB(ctx, a, b) : undefined];
};
