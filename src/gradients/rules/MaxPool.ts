/**
 * @module
 * MaxPool: each output's gradient goes to the input position that won its window; overlapping windows
 * accumulate. The positions come from MaxPool's optional Indices output (added to the forward node when
 * absent). From opset 16: ScatterElements(reduction = "add"); before 16 (no reduction attribute) a
 * one-hot masked ConvTranspose (see ../maxpool.ts).
 */
import type { GradRule } from '../context.js';
import { attrInt, attrInts } from '../../onnx/attributes.js';
import { readWindow, spatial } from '../window.js';
import { maxPoolByOneHot, maxPoolByScatter } from '../maxpool.js';

export const MaxPool: GradRule = (ctx) => {
  if (attrInt(ctx.node, 'storage_order', 0) !== 0) throw ctx.unsupported('storage_order = 1 is not supported.');
  const x = ctx.shape(ctx.input(0));
  const window = readWindow(ctx.node, spatial(x), attrInts(ctx.node, 'kernel_shape', []));
  const indices = ctx.ensureOutput(1, 'maxpool_indices');
  const y = spatial(ctx.shape(ctx.output()));
  return [ctx.opset >= 16 ? maxPoolByScatter(ctx, indices, x) : maxPoolByOneHot(ctx, indices, x, y, window)];
};
