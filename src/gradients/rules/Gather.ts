/**
 * @module
 * Gather with constant indices: dX[.., d, ..] = sum over j with idx_j = d of dY[.., j, ..], i.e. dY (indices
 * flattened, gather axis moved last) times a constant one-hot matrix [n_indices, D]; repeated indices add.
 */
import type { GradRule } from '../context.js';
import { attrInt } from '../../onnx/attributes.js';
import { normAxis } from '../axes.js';
import { constF, op, reshape } from '../emit.js';

export const Gather: GradRule = (ctx) => {
  const { e } = ctx;
  const x = ctx.shape(ctx.input(0));
  const axis = normAxis(attrInt(ctx.node, 'axis', 0), x.length);
  const size = x[axis];
  if (typeof size !== 'number') throw ctx.unsupported('gathering along the batch axis is not supported.');
  const indices = ctx.constInts(1, 'the indices').map((i) => (i < 0 ? i + size : i));
  const oneHot = new Float32Array(indices.length * size);
  indices.forEach((d, j) => {
    oneHot[j * size + d]! += 1;
  });
  const flat = x.map((d, i) => (i === axis ? indices.length : d));
  let g = reshape(e, ctx.dY(), flat);
  const last = axis === x.length - 1;
  const perm = [...x.keys()].filter((i) => i !== axis).concat(axis);
  if (!last) g = op(e, 'Transpose', [g], { perm });
  g = op(e, 'MatMul', [g, constF(e, [indices.length, size], oneHot)]);
  return [last ? g : op(e, 'Transpose', [g], { perm: perm.map((_, i) => perm.indexOf(i)) })];
};
