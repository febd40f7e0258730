/**
 * @module
 * Clip (ReLU6 and friends): dX = dY where min < x < max, else 0. min/max are attributes before opset 11
 * and optional constant inputs from 11. Guided Backprop keeps only dY > 0.
 */
import type { GradContext, GradRule } from '../context.js';
import { attrFloat } from '../../onnx/attributes.js';
import { floatValues } from '../../onnx/tensor.js';
import { greaterThan, lessThan, op, scalarF, where } from '../emit.js';

function bound(ctx: GradContext, i: number, attr: string): number | undefined {
  if (ctx.opset < 11) return attrFloat(ctx.node, attr);
  if (!ctx.input(i)) return undefined;
  const t = ctx.constant(ctx.input(i));
  if (!t) throw ctx.unsupported(`the ${attr} bound must be a constant.`);
  return floatValues(t)[0];
}

export const Clip: GradRule = (ctx) => {
  const x = ctx.input(0);
  const masks = [bound(ctx, 1, 'min'), bound(ctx, 2, 'max')].flatMap((b, i) => {
    if (b === undefined || !Number.isFinite(b)) return [];
    return [i === 0 ? greaterThan(ctx.e, x, b) : lessThan(ctx.e, x, b)];
  });
  const dY = ctx.dYGuided();
  if (masks.length === 0) return [dY];
  const mask = masks.length === 1 ? masks[0]! : op(ctx.e, 'And', masks);
  return [where(ctx.e, mask, dY, scalarF(ctx.e, 0))];
};
