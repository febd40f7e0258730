/**
 * @module
 * Concat: each input on the path gets its slice of dY along the concatenation axis.
 */
import type { GradRule } from '../context.js';
import { attrInt } from '../../onnx/attributes.js';
import { normAxis } from '../axes.js';
import { slice } from '../emit.js';

export const Concat: GradRule = (ctx) => {
  const rank = ctx.shape(ctx.output()).length;
  const axis = normAxis(attrInt(ctx.node, 'axis', 0), rank);
  let offset = 0;
  return ctx.node.input.map((name, i) => {
    const size = ctx.shape(name)[axis];
    if (typeof size !== 'number') throw ctx.unsupported('concatenation along the batch axis is not supported.');
    const start = offset;
    offset += size;
    return ctx.needsGrad(i) ? slice(ctx.e, ctx.dY(), [start], [start + size], [axis]) : undefined;
  });
};
