/**
 * @module
 * Slice (steps, negative indices; inputs from opset 10, attributes before): the gradient scatters dY back
 * to the selected positions. Per sliced axis: reverse dY if the step is negative, interleave step - 1 zeros
 * (Unsqueeze, Pad, Reshape, trim), then zero-pad to X's extent. Index rules follow the ONNX Slice spec.
 */
import type { GradContext, GradRule } from '../context.js';
import { attrInts } from '../../onnx/attributes.js';
import type { Dim } from '../../onnx/shapes.js';
import { normAxis } from '../axes.js';
import { padZeros, reshape, slice, unsqueeze } from '../emit.js';

interface AxisSlice {
  axis: number;
  first: number;
  count: number;
  step: number;
  reversed: boolean;
}

function readSlices(ctx: GradContext, x: Dim[]): AxisSlice[] {
  const v10 = ctx.opset >= 10;
  const starts = v10 ? ctx.constInts(1, 'starts') : attrInts(ctx.node, 'starts', []);
  const ends = v10 ? ctx.constInts(2, 'ends') : attrInts(ctx.node, 'ends', []);
  const axes = (v10 ? (ctx.input(3) ? ctx.constInts(3, 'axes') : undefined) : attrInts(ctx.node, 'axes')) ?? starts.map((_, i) => i);
  const steps = v10 && ctx.input(4) ? ctx.constInts(4, 'steps') : starts.map(() => 1);
  return axes.map((a, i) => {
    const axis = normAxis(a, x.length);
    const dim = x[axis];
    if (typeof dim !== 'number') throw ctx.unsupported('slicing the batch axis is not supported.');
    const step = steps[i]!;
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
    const start = step > 0 ? clamp(starts[i]!, 0, dim) : clamp(starts[i]!, 0, dim - 1);
    const end = step > 0 ? clamp(ends[i]!, 0, dim) : clamp(ends[i]!, -1, dim - 1);
    const count = Math.max(0, Math.ceil((end - start) / step));
    const first = step > 0 ? start : start + (count - 1) * step;
    return { axis, first, count, step: Math.abs(step), reversed: step < 0 };
  });
}

export const Slice: GradRule = (ctx) => {
  const { e } = ctx;
  const x = ctx.shape(ctx.input(0));
  const cur: Dim[] = [...ctx.shape(ctx.output())];
  let g = ctx.dY();
  const pads = x.map(() => [0, 0]);
  for (const s of readSlices(ctx, x)) {
    if (s.count === 0) throw ctx.unsupported('an empty slice on the gradient path.');
    if (s.reversed) g = slice(e, g, [-1], [Number.MIN_SAFE_INTEGER], [s.axis], [-1]);
    if (s.step > 1) {
      const rank = cur.length + 1;
      const interleave = Array<number>(2 * rank).fill(0);
      interleave[rank + s.axis + 1] = s.step - 1; // zeros after each element, along the new axis
      const padded = padZeros(e, unsqueeze(e, g, [s.axis + 1]), interleave);
      g = reshape(
        e,
        padded,
        cur.map((d, i) => (i === s.axis ? s.count * s.step : d)),
      );
      g = slice(e, g, [0], [(s.count - 1) * s.step + 1], [s.axis]);
    }
    const span = (s.count - 1) * s.step + 1;
    cur[s.axis] = span;
    pads[s.axis] = [s.first, (x[s.axis] as number) - s.first - span];
  }
  const flat = [...pads.map((p) => p[0]!), ...pads.map((p) => p[1]!)];
  return [flat.some((p) => p !== 0) ? padZeros(e, g, flat) : g];
};
