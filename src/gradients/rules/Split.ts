/**
 * @module
 * Split: dX is the concatenation of the outputs' gradients along the split axis (zeros for outputs that
 * no gradient reaches).
 */
import type { GradRule } from '../context.js';
import { attrInt } from '../../onnx/attributes.js';
import { normAxis } from '../axes.js';
import { op } from '../emit.js';

export const Split: GradRule = (ctx) => {
  const axis = normAxis(attrInt(ctx.node, 'axis', 0), ctx.shape(ctx.input(0)).length);
  const parts = ctx.node.output.map((_, i) => ctx.dYOrZeros(i));
  return [parts.length === 1 ? parts[0] : op(ctx.e, 'Concat', parts, { axis })];
};
