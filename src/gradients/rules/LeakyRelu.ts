/**
 * @module
 * LeakyRelu: dX = dY * (x > 0 ? 1 : alpha); the factor is computed on the forward tensor.
 */
import type { GradRule } from '../context.js';
import { attrFloat } from '../../onnx/attributes.js';
import { greaterThan, mul, scalarF, where } from '../emit.js';

export const LeakyRelu: GradRule = (ctx) => {
  const alpha = attrFloat(ctx.node, 'alpha', 0.01);
  const factor = where(ctx.e, greaterThan(ctx.e, ctx.input(0), 0), scalarF(ctx.e, 1), scalarF(ctx.e, alpha));
  return [mul(ctx.e, ctx.dYGuided(), factor)];
};
