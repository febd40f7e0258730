/**
 * @module
 * Cases: Resize of H and W (linear and nearest, every coordinate transformation mode torch exports, up and
 * down, scales or sizes), checked against finite differences of onnxruntime's own Resize.
 */
import { one, type OpCase } from '../support/op-case.js';

const scales = (values: number[]) => ({ c: [values.length], values });
const ints = (values: number[]) => ({ ints: [values.length], values });
const x = { x: [2, 5, 4] };

export const resizeCases: OpCase[] = [
  one(
    'Resize',
    13,
    [x, '', scales([1, 1, 2, 2])],
    { mode: 'linear', coordinate_transformation_mode: 'half_pixel' },
    { name: 'Resize bilinear x2 half_pixel' },
  ),
  one(
    'Resize',
    13,
    [x, '', scales([1, 1, 2.5, 1.5])],
    { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' },
    { name: 'Resize bilinear x2.5/x1.5 pytorch_half_pixel' },
  ),
  one(
    'Resize',
    13,
    [x, '', scales([1, 1, 1.6, 2])],
    { mode: 'linear', coordinate_transformation_mode: 'align_corners' },
    { name: 'Resize bilinear align_corners' },
  ),
  one(
    'Resize',
    13,
    [{ x: [2, 8, 7] }, '', scales([1, 1, 0.5, 0.6])],
    { mode: 'linear', coordinate_transformation_mode: 'half_pixel' },
    { name: 'Resize bilinear down' },
  ),
  one(
    'Resize',
    13,
    [x, '', scales([1, 1, 2, 2])],
    { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' },
    { name: 'Resize nearest x2 asymmetric floor (nn.Upsample)' },
  ),
  one('Resize', 13, [x, '', scales([1, 1, 1.5, 2.5])], { mode: 'nearest' }, { name: 'Resize nearest x1.5 half_pixel round_prefer_floor' }),
  one('Resize', 18, [x, '', '', ints([7, 9])], { mode: 'linear', axes: [2, 3] }, { name: 'Resize bilinear to sizes with axes (opset 18)' }),
];
