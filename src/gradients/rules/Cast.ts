/**
 * @module
 * Cast: a float-to-float cast passes the gradient (cast back to x's type); casts from or to integers
 * stop it (they are not on the path: only float tensors carry gradients).
 */
import type { GradRule } from '../context.js';
import { op } from '../emit.js';

export const Cast: GradRule = (ctx) => {
  const [from, to] = [ctx.elemType(ctx.input(0)), ctx.elemType(ctx.output())];
  return [from === to ? ctx.dY() : op(ctx.e, 'Cast', [ctx.dY()], { to: from })];
};
