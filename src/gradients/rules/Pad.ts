/**
 * @module
 * Pad (constant mode, non-negative pads): dX is the slice of dY that excludes the padding. Pads are an
 * attribute before opset 11 and an input from 11; the optional axes input (opset 18) is honoured.
 */
import type { GradRule } from '../context.js';
import { attrInts, attrString } from '../../onnx/attributes.js';
import { normAxis } from '../axes.js';
import { slice } from '../emit.js';

export const Pad: GradRule = (ctx) => {
  if (attrString(ctx.node, 'mode', 'constant') !== 'constant') throw ctx.unsupported('only mode "constant" is supported.');
  const x = ctx.shape(ctx.input(0));
  const pads = ctx.opset >= 11 ? ctx.constInts(1, 'pads') : attrInts(ctx.node, 'pads', []);
  const axes = ctx.input(3) ? ctx.constInts(3, 'axes').map((a) => normAxis(a, x.length)) : x.map((_, i) => i);
  if (pads.some((p) => p < 0)) throw ctx.unsupported('negative pads (cropping) are not supported.');
  const [starts, ends, sliced]: number[][] = [[], [], []];
  axes.forEach((axis, k) => {
    const [begin, end] = [pads[k]!, pads[k + axes.length]!];
    if (begin === 0 && end === 0) return;
    const size = x[axis];
    if (typeof size !== 'number') throw ctx.unsupported('padding the batch axis is not supported.');
    starts.push(begin);
    ends.push(begin + size);
    sliced.push(axis);
  });
  return [sliced.length === 0 ? ctx.dY() : slice(ctx.e, ctx.dY(), starts, ends, sliced)];
};
