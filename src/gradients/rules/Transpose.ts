/**
 * @module
 * Transpose: dX = Transpose(dY) with the inverse permutation (default perm reverses the axes).
 */
import type { GradRule } from '../context.js';
import { attrInts } from '../../onnx/attributes.js';
import { op } from '../emit.js';

export const Transpose: GradRule = (ctx) => {
  const rank = ctx.shape(ctx.input(0)).length;
  const perm = attrInts(
    ctx.node,
    'perm',
    Array.from({ length: rank }, (_, i) => rank - 1 - i),
  );
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return [op(ctx.e, 'Transpose', [ctx.dY()], { perm: inverse })];
};
