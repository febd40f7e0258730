/**
 * @module
 * HardSigmoid: y = max(0, min(1, alpha * x + beta)), so dX = dY * alpha where 0 < y < 1, else 0.
 */
import type { GradRule } from '../context.js';
import { attrFloat } from '../../onnx/attributes.js';
import { greaterThan, lessThan, mul, op, scalarF, where } from '../emit.js';

export const HardSigmoid: GradRule = (ctx) => {
  const y = ctx.output();
  const inside = op(ctx.e, 'And', [greaterThan(ctx.e, y, 0), lessThan(ctx.e, y, 1)]);
  const factor = where(ctx.e, inside, scalarF(ctx.e, attrFloat(ctx.node, 'alpha', 0.2)), scalarF(ctx.e, 0));
  return [mul(ctx.e, ctx.dY(), factor)];
};
