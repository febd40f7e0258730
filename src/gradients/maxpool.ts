/**
 * @module
 * Two constructions of the MaxPool backward from its Indices output (flat indices into the whole input,
 * batch included, storage_order 0). Both take the per-sample offset (Mod) so a batch-1 forward serves S
 * seed rows, and both accumulate where windows overlap.
 */
import type { GradContext } from './context.js';
import type { Dim } from '../onnx/shapes.js';
import { constF, constI, op, reshape, scalarF, unsqueeze, where } from './emit.js';
import { transposeAttrs, spatial, type Window } from './window.js';

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** Opset 16+: ScatterElements(add) of dY into zeros [S, C*H*W] at the per-sample winner offsets. */
export function maxPoolByScatter(ctx: GradContext, indices: string, x: Dim[]): string {
  const { e } = ctx;
  const perSample = product(x.slice(1) as number[]);
  const dY = ctx.dY();
  const offsets = op(e, 'Mod', [indices, constI(e, [perSample], [])]);
  const expanded = op(e, 'Expand', [offsets, op(e, 'Shape', [dY])]);
  const outPerSample = product(ctx.shape(ctx.output()).slice(1) as number[]);
  const rows = (t: string): string => reshape(e, t, ['N', outPerSample]);
  const zeros = op(e, 'ConstantOfShape', [op(e, 'Concat', [e.gradBatch(), constI(e, [perSample])], { axis: 0 })]);
  const summed = op(e, 'ScatterElements', [zeros, rows(expanded), rows(dY)], { axis: 1, reduction: 'add' });
  return reshape(e, summed, x);
}

/**
 * Any opset: for each kernel offset k, mask dY where the winner sits at offset k of its window, then one
 * grouped ConvTranspose with a constant one-hot kernel [C*K, 1, kh, kw] puts every masked value back at
 * its position; overlapping windows add up. Offsets are told apart by their flat distance from the
 * window origin, which is unique while the dilated kernel is narrower than the input row.
 */
export function maxPoolByOneHot(ctx: GradContext, indices: string, x: Dim[], y: number[], w: Window): string {
  const { e } = ctx;
  const inSize = spatial(x);
  const channels = x[1] as number;
  const strideOf = inSize.map((_, i) => product(inSize.slice(i + 1)));
  const kernelCount = product(w.kernel);
  const offsets = Array.from({ length: kernelCount }, (_, k) =>
    unravel(k, w.kernel).reduce((s, kk, i) => s + kk * w.dilations[i]! * strideOf[i]!, 0),
  );
  if (new Set(offsets).size !== kernelCount)
    throw ctx.unsupported('a dilated kernel wider than the input is not supported before opset 16.');
  const origin = Array.from({ length: product(y) }, (_, p) =>
    unravel(p, y).reduce((s, o, i) => s + (o * w.strides[i]! - w.padBegin[i]!) * strideOf[i]!, 0),
  );
  const position = op(e, 'Mod', [indices, constI(e, [product(inSize)], [])]);
  const relative = unsqueeze(e, op(e, 'Sub', [position, constI(e, origin, y)]), [2]);
  const mask = op(e, 'Equal', [relative, constI(e, offsets, [kernelCount, ...y.map(() => 1)])]);
  const masked = where(e, mask, unsqueeze(e, ctx.dY(), [2]), scalarF(e, 0));
  const stacked = reshape(e, masked, ['N', channels * kernelCount, ...y]);
  const oneHot = new Float32Array(channels * kernelCount * kernelCount);
  for (let c = 0; c < channels; c++) for (let k = 0; k < kernelCount; k++) oneHot[(c * kernelCount + k) * kernelCount + k] = 1;
  const kernel = constF(e, [channels * kernelCount, 1, ...w.kernel], oneHot);
  return op(e, 'ConvTranspose', [stacked, kernel], { ...transposeAttrs(w, inSize, y), group: channels });
}

/** Multi-index of flat index p in a row-major shape. */
function unravel(p: number, dims: readonly number[]): number[] {
  const out = Array<number>(dims.length);
  for (let i = dims.length - 1; i >= 0; i--) {
    out[i] = p % dims[i]!;
    p = Math.floor(p / dims[i]!);
  }
  return out;
}
