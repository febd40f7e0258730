/**
 * @module
 * Cases: activations and elementwise arithmetic.
 */
import { one, type OpCase } from '../support/op-case.js';

const f = (v: number) => ({ float: v });
const scalar = (v: number) => ({ c: [] as number[], values: [v] });

export const elementwiseCases: OpCase[] = [
  one('Clip', 13, [{ x: [3, 4], range: [-2, 8], avoid: [0, 6] }, scalar(0), scalar(6)], {}, { name: 'Clip ReLU6 (min/max inputs)' }),
  one('Clip', 13, [{ x: [3, 4], range: [-2, 2], avoid: [-0.5] }, scalar(-0.5), ''], {}, { name: 'Clip min only' }),
  one('Clip', 13, [{ x: [3, 4], range: [-2, 2], avoid: [0.5] }, '', scalar(0.5)], {}, { name: 'Clip max only' }),
  one('Clip', 10, [{ x: [3, 4], range: [-2, 8], avoid: [0, 6] }], { min: f(0), max: f(6) }, { name: 'Clip ReLU6 (attributes)' }),
  one('LeakyRelu', 13, [{ x: [3, 4] }], { alpha: f(0.1) }),
  one('LeakyRelu', 13, [{ x: [3, 4] }]),
  one('PRelu', 13, [{ x: [3, 2, 2] }, { c: [3, 1, 1], range: [0.05, 0.5] }]),
  one('Sigmoid', 13, [{ x: [3, 4], range: [-3, 3] }]),
  one('Tanh', 13, [{ x: [3, 4], range: [-2, 2] }]),
  one('Softplus', 13, [{ x: [3, 4], range: [-4, 4] }]),
  one('HardSigmoid', 13, [{ x: [4, 4], range: [-4, 4], avoid: [-2.5, 2.5] }]),
  one('HardSigmoid', 13, [{ x: [4, 4], range: [-4, 4], avoid: [-3, 3] }], { alpha: f(1 / 6), beta: f(0.5) }),
  one('HardSwish', 14, [{ x: [4, 4], range: [-5, 5], avoid: [-3, 3] }]),
  one('Erf', 13, [{ x: [3, 4], range: [-2, 2] }]),
  one('Pow', 13, [{ x: [3, 4] }, scalar(2)]),
  one('Pow', 13, [{ x: [3, 4] }, scalar(3)]),
  one('Pow', 13, [{ x: [3, 4], range: [0.3, 2] }, scalar(0.5)]),
  one('Pow', 13, [
    { x: [3, 4], range: [0.3, 2] },
    { c: [4], values: [1, 2, -1, 1.5] },
  ]),
  one('Sqrt', 13, [{ x: [3, 4], range: [0.3, 2] }]),
  one('Neg', 13, [{ x: [3, 4] }]),
  one('Cast', 13, [{ x: [5] }], { to: 1 }, { name: 'Cast float to float' }),
  {
    name: 'Cast float to double and back',
    opset: 13,
    inputs: { x: { x: [5] } },
    nodes: [
      { op: 'Cast', inputs: ['x'], outputs: ['d'], attrs: { to: 11 } },
      { op: 'Cast', inputs: ['d'], outputs: ['y'], attrs: { to: 1 } },
    ],
  },
  {
    name: 'Cast to int64 stops the gradient',
    opset: 13,
    inputs: { x: { x: [5], range: [-3, 3], avoid: [-2, -1, 0, 1, 2] } },
    nodes: [
      { op: 'Cast', inputs: ['x'], outputs: ['i'], attrs: { to: 7 } },
      { op: 'Cast', inputs: ['i'], outputs: ['r'], attrs: { to: 1 } },
      { op: 'Mul', inputs: ['x', 'r'], outputs: ['y'] },
    ],
  },
  {
    name: 'Where with a computed mask',
    opset: 13,
    inputs: { a: { x: [3, 4] }, b: { x: [3, 4] }, t: { c: [4] }, zero: scalar(0) },
    nodes: [
      { op: 'Greater', inputs: ['t', 'zero'], outputs: ['m'] },
      { op: 'Where', inputs: ['m', 'a', 'b'], outputs: ['y'] },
    ],
  },
  {
    name: 'GELU (Div, Erf, Add, Mul, Mul) and a reused tensor',
    opset: 13,
    inputs: { x: { x: [6], range: [-3, 3] }, s: scalar(Math.SQRT2), one: scalar(1), half: scalar(0.5) },
    nodes: [
      { op: 'Div', inputs: ['x', 's'], outputs: ['a'] },
      { op: 'Erf', inputs: ['a'], outputs: ['b'] },
      { op: 'Add', inputs: ['b', 'one'], outputs: ['c'] },
      { op: 'Mul', inputs: ['x', 'c'], outputs: ['d'] },
      { op: 'Mul', inputs: ['d', 'half'], outputs: ['y'] },
    ],
  },
  {
    name: 'Neg, Sigmoid, Mul (SiLU-style reuse), Relu',
    opset: 13,
    inputs: { x: { x: [6], range: [-3, 3] } },
    nodes: [
      { op: 'Neg', inputs: ['x'], outputs: ['h'] },
      { op: 'Sigmoid', inputs: ['h'], outputs: ['s'] },
      { op: 'Mul', inputs: ['h', 's'], outputs: ['m'] },
      { op: 'Relu', inputs: ['m'], outputs: ['y'] },
    ],
    layers: ['x'],
  },
];
