/**
 * @module
 * BatchNormalization (inference): y = (x - mean) * scale / sqrt(var + eps) + B, so dX = dY * k with the
 * per-channel k = scale / sqrt(var + eps) folded into one constant [C, 1, ..., 1] at prepare time.
 */
import type { GradRule } from '../context.js';
import { attrFloat, attrInt } from '../../onnx/attributes.js';
import { constF, mul } from '../emit.js';

export const BatchNormalization: GradRule = (ctx) => {
  if (attrInt(ctx.node, 'training_mode', 0) !== 0 || ctx.node.output.filter(Boolean).length > 1)
    throw ctx.unsupported('only inference mode (training_mode = 0, one output) is supported.');
  const eps = attrFloat(ctx.node, 'epsilon', 1e-5);
  const gamma = ctx.constFloats(1, 'scale');
  const variance = ctx.constFloats(4, 'input_var');
  const k = gamma.map((g, c) => g / Math.sqrt(variance[c]! + eps));
  const rank = ctx.shape(ctx.input(0)).length;
  return [mul(ctx.e, ctx.dY(), constF(ctx.e, [k.length, ...Array(Math.max(0, rank - 2)).fill(1)], k))];
};
