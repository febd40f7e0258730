/**
 * @module
 * Resize of the two spatial axes (H, W) of a 4-D tensor, modes `linear` and `nearest`: the forward is
 * separable and linear, Y = R_h X R_w^T per (n, c), with R the [out, in] interpolation matrix of one axis
 * built here from the ONNX Resize specification (coordinate transformation, then linear weights or the
 * nearest index), so dX = R_h^T dY R_w: two MatMuls with constant matrices. Covers what torch exports for
 * `F.interpolate` / `nn.Upsample`: bilinear (`half_pixel` / `pytorch_half_pixel`, `align_corners`) and
 * nearest (`asymmetric` + `floor`). Batch and channel scales must be 1; cubic, antialias and
 * tf_crop_and_resize are refused. Spec: https://onnx.ai/onnx/operators/onnx__Resize.html
 */
import type { GradRule } from '../context.js';
import { attrInt, attrInts, attrString } from '../../onnx/attributes.js';
import { constF, op } from '../emit.js';
import { interpolationMatrix, type AxisResize } from '../resize-matrix.js';

export const Resize: GradRule = (ctx) => {
  const x = ctx.shape(ctx.input(0));
  const y = ctx.shape(ctx.output(0));
  const mode = attrString(ctx.node, 'mode', 'nearest');
  if (mode !== 'linear' && mode !== 'nearest') throw ctx.unsupported(`mode "${mode}" is not supported (linear and nearest are).`);
  if (attrInt(ctx.node, 'antialias', 0) !== 0) throw ctx.unsupported('antialias=1 is not supported.');
  if (x.length !== 4 || x[1] !== y[1])
    throw ctx.unsupported(`only resizing H and W of a 4-D tensor is supported (input [${x.join(', ')}], output [${y.join(', ')}]).`);
  const [h, w, ho, wo] = [x[2], x[3], y[2], y[3]];
  if (typeof h !== 'number' || typeof w !== 'number' || typeof ho !== 'number' || typeof wo !== 'number')
    throw ctx.unsupported('spatial sizes must be known.');
  const scales = givenScales(ctx, x.length);
  const axis = (input: number, output: number, scale: number | undefined): AxisResize => ({
    input,
    output,
    scale: scale ?? output / input,
    mode,
    coordinates: attrString(ctx.node, 'coordinate_transformation_mode', 'half_pixel'),
    nearest: attrString(ctx.node, 'nearest_mode', 'round_prefer_floor'),
  });
  let rh: Float32Array, rw: Float32Array;
  try {
    rh = interpolationMatrix(axis(h, ho, scales?.[2]));
    rw = interpolationMatrix(axis(w, wo, scales?.[3]));
  } catch (e) {
    throw ctx.unsupported((e as Error).message);
  }
  // dY [S, C, ho, wo] x R_w [wo, w] -> [S, C, ho, w]; R_h^T [h, ho] x that -> [S, C, h, w]
  const rows = op(ctx.e, 'MatMul', [ctx.dY(), constF(ctx.e, [wo, w], rw)]);
  return [op(ctx.e, 'MatMul', [constF(ctx.e, [h, ho], transpose(rh, ho, h)), rows])];
};

/** Scales per axis when the node gives them (input 2, non-empty); N and C must be 1. */
function givenScales(ctx: Parameters<GradRule>[0], rank: number): number[] | undefined {
  const name = ctx.input(2);
  if (!name) return undefined;
  const t = ctx.constant(name);
  if (!t) return undefined; // computed scales: the probed shapes give out / in
  const values = Array.from(ctx.constFloats(2, 'scales'));
  if (values.length === 0) return undefined;
  const axes = attrInts(ctx.node, 'axes');
  const full = axes ? Array.from({ length: rank }, (_, i) => (axes.includes(i) ? values[axes.indexOf(i)]! : 1)) : values;
  if (full[0] !== 1 || full[1] !== 1)
    throw ctx.unsupported(`scales on the batch or channel axis are not supported (scales ${values.join(', ')}).`);
  return full;
}

function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c]!;
  return t;
}
