/**
 * @module
 * Conv: dX = ConvTranspose(dY, W) with the same weight tensor (no copy, so int8 weights behind
 * DequantizeLinear serve both directions), the same group/strides/dilations and pads, and end pads /
 * output_padding chosen so the result has exactly X's spatial size. No weight or bias gradients.
 */
import type { GradRule } from '../context.js';
import { attrInt } from '../../onnx/attributes.js';
import { op } from '../emit.js';
import { readWindow, spatial, transposeAttrs } from '../window.js';

export const Conv: GradRule = (ctx) => {
  if (ctx.needsGrad(1)) throw ctx.unsupported('the weight depends on the explained layer; weight gradients are not supported.');
  const x = ctx.shape(ctx.input(0));
  const kernel = spatial(ctx.shape(ctx.input(1)));
  const inSize = spatial(x);
  const window = readWindow(ctx.node, inSize, kernel);
  const attrs = transposeAttrs(window, inSize, spatial(ctx.shape(ctx.output())));
  return [op(ctx.e, 'ConvTranspose', [ctx.dY(), ctx.input(1)], { ...attrs, group: attrInt(ctx.node, 'group', 1) })];
};
