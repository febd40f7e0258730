/**
 * @module
 * Cases: ops that move, select or combine elements (Transpose, Concat, Split, Slice, Gather, Pad,
 * ReduceMean, ReduceSum), with the opset variants of their axes/split/pads arguments.
 */
import { one, type OpCase } from '../support/op-case.js';

const ints = (values: number[]) => ({ ints: [values.length], values });

const splitConcat = (opset: number, split: 'attr' | 'input' | 'num', name: string): OpCase => ({
  name: `${name} (opset ${opset})`,
  opset,
  inputs: { x: { x: [5, 2] }, ...(split === 'input' ? { s: ints([2, 3]) } : {}) },
  nodes: [
    {
      op: 'Split',
      inputs: split === 'input' ? ['x', 's'] : ['x'],
      outputs: ['a', 'b'],
      attrs: { axis: 1, ...(split === 'attr' ? { split: [2, 3] } : {}), ...(split === 'num' ? { num_outputs: 2 } : {}) },
    },
    { op: 'Mul', inputs: ['a', 'a'], outputs: ['a2'] },
    { op: 'Concat', inputs: ['b', 'a2'], outputs: ['y'], attrs: { axis: 1 } },
  ],
});

export const shapeCases: OpCase[] = [
  one('Transpose', 13, [{ x: [2, 3, 4] }], { perm: [0, 3, 1, 2] }),
  one('Transpose', 13, [{ x: [2, 3] }], { perm: [0, 2, 1] }),
  one('Concat', 13, [{ x: [2, 3] }, { x: [3, 3] }, { x: [1, 3] }], { axis: 1 }, { name: 'Concat three inputs along channels' }),
  one('Concat', 13, [{ x: [2, 3] }, { x: [2, 2] }], { axis: -1 }),
  splitConcat(11, 'attr', 'Split with split attribute'),
  splitConcat(13, 'input', 'Split with split input'),
  splitConcat(18, 'num', 'Split with num_outputs'),
  one('Split', 13, [{ x: [4, 2] }], { axis: 1 }, { name: 'Split with an output no gradient reaches', outputs: 2 }),
  one('Slice', 13, [{ x: [6, 5] }, ints([1, 0]), ints([5, 4]), ints([1, 2])]),
  one(
    'Slice',
    13,
    [{ x: [7, 5] }, ints([1, -1]), ints([7, -6]), ints([1, 2]), ints([2, -2])],
    {},
    { name: 'Slice steps 2 and -2, negative indices' },
  ),
  one('Slice', 13, [{ x: [8, 3] }, ints([-7]), ints([1000]), ints([-2]), ints([3])], {}, { name: 'Slice step 3, clamped end' }),
  one('Slice', 13, [{ x: [6, 3] }, ints([4]), ints([-1000]), ints([1]), ints([-1])], {}, { name: 'Slice reversed to the start' }),
  one('Gather', 13, [{ x: [4, 3] }, ints([2, 0, 2])], { axis: 1 }, { name: 'Gather repeated indices' }),
  one('Gather', 13, [{ x: [4, 3] }, { ints: [], values: [-1] }], { axis: 2 }, { name: 'Gather scalar negative index' }),
  one('Gather', 13, [{ x: [4, 3] }, { ints: [2, 2], values: [0, 3, 1, 1] }], { axis: 1 }, { name: 'Gather 2-D indices' }),
  one('Pad', 13, [{ x: [2, 3, 3] }, ints([0, 0, 1, 2, 0, 0, 2, 1])]),
  one('Pad', 18, [{ x: [2, 3, 3] }, ints([1, 0, 2, 1]), '', ints([2, -1])], {}, { name: 'Pad with axes input' }),
  one('Pad', 10, [{ x: [2, 3, 3] }], { pads: [0, 0, 1, 0, 0, 0, 0, 2] }, { name: 'Pad with pads attribute' }),
  one('ReduceMean', 13, [{ x: [2, 3, 4] }], { axes: [2, 3] }),
  one('ReduceMean', 13, [{ x: [2, 3, 4] }], { axes: [-1], keepdims: 0 }),
  one('ReduceMean', 18, [{ x: [2, 3, 4] }, ints([1, 3])]),
  one('ReduceMean', 18, [{ x: [2, 3] }, ints([2])], { keepdims: 0 }),
  one('ReduceSum', 11, [{ x: [2, 3, 4] }], { axes: [1] }),
  one('ReduceSum', 13, [{ x: [2, 3, 4] }, ints([2, 3])], { keepdims: 0 }),
  one('ReduceSum', 13, [{ x: [2, 3] }, ints([])], { noop_with_empty_axes: 1 }, { name: 'ReduceSum noop with empty axes' }),
];
