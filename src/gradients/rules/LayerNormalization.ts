/**
 * @module
 * LayerNormalization (opset 17): with xhat = (x - mean) * invstd and g = dY * scale over the normalised
 * axes [axis, rank), dX = invstd * (g - mean(g) - xhat * mean(g * xhat)). Mean and InvStdDev come from the
 * node's own optional outputs (added when the model left them unset), so nothing is recomputed.
 */
import type { GradRule } from '../context.js';
import { attrInt } from '../../onnx/attributes.js';
import { normAxis } from '../axes.js';
import { mul, reduceMean, sub } from '../emit.js';

export const LayerNormalization: GradRule = (ctx) => {
  const { e } = ctx;
  if (ctx.needsGrad(1) || ctx.needsGrad(2)) throw ctx.unsupported('scale and bias must not depend on the explained layer.');
  const rank = ctx.shape(ctx.input(0)).length;
  const axis = normAxis(attrInt(ctx.node, 'axis', -1), rank);
  const axes = Array.from({ length: rank - axis }, (_, i) => axis + i);
  const mean = ctx.ensureOutput(1, 'ln_mean');
  const invStd = ctx.ensureOutput(2, 'ln_inv_std');
  const xhat = mul(e, sub(e, ctx.input(0), mean), invStd);
  const g = mul(e, ctx.dY(), ctx.input(1));
  const centered = sub(e, g, reduceMean(e, g, axes));
  const projected = sub(e, centered, mul(e, xhat, reduceMean(e, mul(e, g, xhat), axes)));
  return [mul(e, projected, invStd)];
};
