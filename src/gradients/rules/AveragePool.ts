/**
 * @module
 * AveragePool (count_include_pad both ways, ceil_mode): dY divided by each window's element count (a
 * constant map computed here; folded into the kernel when uniform), then spread over the window by a
 * grouped ConvTranspose with a constant kernel of ones; overlapping windows add up.
 */
import type { GradRule } from '../context.js';
import { attrInt, attrInts } from '../../onnx/attributes.js';
import { constF, mul, op } from '../emit.js';
import { readWindow, spatial, transposeAttrs } from '../window.js';
import { windowCounts } from '../pool-counts.js';

export const AveragePool: GradRule = (ctx) => {
  const x = ctx.shape(ctx.input(0));
  const inSize = spatial(x);
  const outSize = spatial(ctx.shape(ctx.output()));
  const w = readWindow(ctx.node, inSize, attrInts(ctx.node, 'kernel_shape', []));
  if (w.dilations.some((d) => d !== 1)) throw ctx.unsupported('dilations are not supported.');
  const counts = windowCounts(w, inSize, outSize, attrInt(ctx.node, 'count_include_pad', 0) === 1);
  const channels = x[1] as number;
  const kernelSize = w.kernel.reduce((a, b) => a * b, 1);
  const uniform = counts.every((c) => c === counts[0]);
  const ones = new Float32Array(channels * kernelSize).fill(uniform ? 1 / counts[0]! : 1);
  const g = uniform
    ? ctx.dY()
    : mul(
        ctx.e,
        ctx.dY(),
        constF(
          ctx.e,
          outSize,
          counts.map((c) => 1 / c),
        ),
      );
  const kernel = constF(ctx.e, [channels, 1, ...w.kernel], ones);
  return [op(ctx.e, 'ConvTranspose', [g, kernel], { ...transposeAttrs(w, inSize, outSize), group: channels })];
};
