/**
 * @module
 * HardSwish: y = x * max(0, min(1, x / 6 + 1/2)), so dy/dx = 0 for x < -3, 1 for x > 3, x / 3 + 1/2 between.
 */
import type { GradRule } from '../context.js';
import { add, greaterThan, lessThan, mul, scalarF, where } from '../emit.js';

export const HardSwish: GradRule = (ctx) => {
  const { e } = ctx;
  const x = ctx.input(0);
  const ramp = add(e, mul(e, x, scalarF(e, 1 / 3)), scalarF(e, 0.5));
  const factor = where(e, lessThan(e, x, -3), scalarF(e, 0), where(e, greaterThan(e, x, 3), scalarF(e, 1), ramp));
  return [mul(e, ctx.dY(), factor)];
};
