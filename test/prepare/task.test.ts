/**
 * Which task and output prepare picks (src/prepare/task.ts) and the default layer of dense-prediction
 * models (src/prepare/task-layer.ts), on hand-built graphs with given shapes.
 */
import { describe, expect, it } from 'vitest';
import { findTask } from '../../src/prepare/task.js';
import { cutTensors, sharedLayer } from '../../src/prepare/task-layer.js';
import { candidateLayers } from '../../src/prepare/layers.js';
import { makeNode } from '../../src/onnx/nodes.js';
import { DataType } from '../../src/onnx/proto.js';
import type { ShapeMap } from '../../src/onnx/shapes.js';
import { ApiError } from '../../src/errors.js';
import { buildModel, randomTensor, valueInfo } from './model-builder.js';
import { makeFloatTensor } from '../../src/onnx/tensor.js';

type Dims = (number | 'N')[];
const shapeMap = (entries: Record<string, Dims>, ints: string[] = []): ShapeMap =>
  new Map(Object.entries(entries).map(([k, dims]) => [k, { dims, elemType: ints.includes(k) ? DataType.INT64 : DataType.FLOAT }]));

/** A model whose outputs are produced by `nodes` from input x; shapes as given. */
function model(outputs: string[], nodes: ReturnType<typeof makeNode>[]) {
  return buildModel({ inputs: [valueInfo('x', [1, 3, 8, 8])], outputs: outputs.map((o) => valueInfo(o, [1])), nodes });
}

describe('findTask', () => {
  it('a 2-D output is classify (as before), or embed when it ends in an L2 normalisation or with --task embed', () => {
    const m = model(['y'], [makeNode('Flatten', ['x'], ['y'])]);
    const shapes = shapeMap({ x: [1, 3, 8, 8], y: [1, 192] });
    expect(findTask(m, shapes).spec).toEqual({ kind: 'classify' });
    expect(findTask(m, shapes, { task: 'embed' })).toMatchObject({
      spec: { kind: 'embed', dimensions: 192 },
      logits: { name: 'y', classes: 192 },
    });
    const norm = model(
      ['e'],
      [makeNode('Flatten', ['x'], ['f']), makeNode('ReduceL2', ['f'], ['n'], { axes: [1] }), makeNode('Div', ['f', 'n'], ['e'])],
    );
    expect(findTask(norm, shapeMap({ x: [1, 3, 8, 8], f: [1, 192], n: [1, 1], e: [1, 192] })).spec).toEqual({
      kind: 'embed',
      dimensions: 192,
    });
    const lp = model(['e'], [makeNode('Flatten', ['x'], ['f']), makeNode('LpNormalization', ['f'], ['e'])]);
    expect(findTask(lp, shapeMap({ x: [1, 3, 8, 8], f: [1, 192], e: [1, 192] })).spec.kind).toBe('embed');
  });

  it('a 4-D output is segment; a Softmax over classes is looked through', () => {
    const m = model(['p'], [makeNode('Relu', ['x'], ['s']), makeNode('Softmax', ['s'], ['p'], { axis: 1 })]);
    const found = findTask(m, shapeMap({ x: [1, 3, 8, 8], s: [1, 3, 8, 8], p: [1, 3, 8, 8] }));
    expect(found.spec).toEqual({ kind: 'segment', classes: 3, height: 8, width: 8, background: 0 });
    expect(found.logits.name).toBe('s');
    // a Softmax over another axis is part of the output
    const other = model(['p'], [makeNode('Relu', ['x'], ['s']), makeNode('Softmax', ['s'], ['p'], { axis: -1 })]);
    expect(findTask(other, shapeMap({ x: [1, 3, 8, 8], s: [1, 3, 8, 8], p: [1, 3, 8, 8] })).logits.name).toBe('p');
  });

  it('a 3-D YOLO output is detect; anchors-first objectness from the labels, the default or --detect-layout', () => {
    const m = model(['d'], [makeNode('Reshape', ['x', 'shape'], ['d'])]);
    expect(findTask(m, shapeMap({ x: [1, 3, 8, 8], d: [1, 8, 24] })).spec).toEqual({
      kind: 'detect',
      layout: 'channels-first',
      classes: 4,
      anchors: 24,
    });
    const af = shapeMap({ x: [1, 3, 8, 8], d: [1, 24, 8] });
    expect(findTask(m, af).spec).toMatchObject({ layout: 'anchors-first-objectness', classes: 3 });
    expect(findTask(m, af).logits.notes.join(' ')).toMatch(/--detect-layout anchors-first/);
    expect(findTask(m, af, { labelCount: 4 }).spec).toMatchObject({ layout: 'anchors-first', classes: 4 });
    expect(findTask(m, af, { labelCount: 3 }).spec).toMatchObject({ layout: 'anchors-first-objectness', classes: 3 });
    expect(findTask(m, af, { detectLayout: 'anchors-first' }).spec).toMatchObject({ layout: 'anchors-first', classes: 4 });
    expect(() => findTask(m, af, { detectLayout: 'channels-first' })).toThrow(/does not fit output "d"/);
  });

  it('2-D wins over 4-D without --task; --task picks the output of its kind; no fitting output is a 422 listing them', () => {
    const m = model(['seg', 'cls'], [makeNode('Relu', ['x'], ['seg']), makeNode('Flatten', ['x'], ['cls'])]);
    const shapes = shapeMap({ x: [1, 3, 8, 8], seg: [1, 3, 8, 8], cls: [1, 192] });
    expect(findTask(m, shapes).spec.kind).toBe('classify');
    expect(findTask(m, shapes, { task: 'segment' }).logits.name).toBe('seg');
    try {
      findTask(m, shapes, { task: 'detect' });
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).status).toBe(422);
      expect((e as ApiError).detail).toMatch(/YOLO dense layout.*"seg" \[1, 3, 8, 8\], "cls" \[1, 192\]/);
    }
    const none = model(['v'], [makeNode('Flatten', ['x'], ['f']), makeNode('Unsqueeze', ['f', 'ax'], ['v'])]);
    expect(() => findTask(none, shapeMap({ x: [1, 3, 8, 8], f: [1, 192], v: [1, 1, 1, 1, 192] }, []))).toThrow(/No output fits/);
  });
});

describe('default layer of dense-prediction models', () => {
  // x -> a (Conv) -> b (Relu) -> { c1 (Conv), c2 (Conv) } -> s (Add) -> u (Resize, sizes from Shape(s)) -> y
  const nodes = [
    makeNode('Conv', ['x', 'w'], ['a']),
    makeNode('Relu', ['a'], ['b']),
    makeNode('Conv', ['b', 'w1'], ['c1']),
    makeNode('Conv', ['b', 'w2'], ['c2']),
    makeNode('Add', ['c1', 'c2'], ['s']),
    makeNode('Shape', ['s'], ['shp']),
    makeNode('Resize', ['s', '', '', 'shp'], ['y'], { mode: 'linear' }),
  ];
  const m = buildModel({
    inputs: [valueInfo('x', [1, 3, 8, 8])],
    outputs: [valueInfo('y', [1, 2, 8, 8])],
    nodes,
    initializers: [randomTensor('w', [4, 3, 2, 2], 1), randomTensor('w1', [2, 4, 1, 1], 2), randomTensor('w2', [2, 4, 1, 1], 3)],
  });
  const shapes = shapeMap(
    { x: [1, 3, 8, 8], a: [1, 4, 4, 4], b: [1, 4, 4, 4], c1: [1, 2, 4, 4], c2: [1, 2, 4, 4], s: [1, 2, 4, 4], shp: [4], y: [1, 2, 8, 8] },
    ['shp'],
  );

  it('cuts are the tensors every path goes through (an integer Shape read does not count)', () => {
    expect(cutTensors(m, shapes, 'x', 'y')).toEqual(['a', 'b', 's', 'y']);
  });

  it('the default is the last cut that fans out (where the head branches), not the class-score map', () => {
    const candidates = candidateLayers(m, shapes, 'x', 'y');
    expect(sharedLayer(m, shapes, candidates, 'x', 'y')?.name).toBe('b');
    // without a fan-out: the last cut other than the output
    const chain = buildModel({
      inputs: [valueInfo('x', [1, 3, 8, 8])],
      outputs: [valueInfo('y', [1, 2, 8, 8])],
      nodes: [
        makeNode('Conv', ['x', 'w'], ['a']),
        makeNode('Relu', ['a'], ['b']),
        makeNode('Resize', ['b', '', 'sc'], ['y'], { mode: 'nearest' }),
      ],
      initializers: [randomTensor('w', [2, 3, 2, 2], 1), makeFloatTensor('sc', [4], [1, 1, 2, 2])],
    });
    const cs = shapeMap({ x: [1, 3, 8, 8], a: [1, 2, 4, 4], b: [1, 2, 4, 4], y: [1, 2, 8, 8] });
    expect(sharedLayer(chain, cs, candidateLayers(chain, cs, 'x', 'y'), 'x', 'y')?.name).toBe('b');
  });
});
