/**
 * The compiler's contract beyond numerics: what the prepared graph contains, what it leaves alone, and
 * the errors that name what to do instead.
 */
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, onnx, type ModelProto } from '../../src/onnx/proto.js';
import { makeNode } from '../../src/onnx/nodes.js';
import { makeFloatTensor } from '../../src/onnx/tensor.js';
import { probeShapes } from '../../src/onnx/shapes.js';
import { addGradientGraph } from '../../src/gradients/graph.js';
import { ApiError } from '../../src/errors.js';
import { nodeRunner } from '../../cli/ort-node.js';
import { listFixtures, readModel } from './support/fixtures.js';

const runner = nodeRunner();

const info = (name: string, dims: (number | string)[]) =>
  onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });

/** x [N,2,4,4] -> Conv -> Relu (r) -> Elu (e, no rule) -> Relu (r2) -> GAP -> Flatten -> Gemm -> logits; side: Sigmoid(x) -> extra output. */
function tinyModel(): ModelProto {
  const w = makeFloatTensor(
    'w',
    [3, 2, 3, 3],
    Array.from({ length: 54 }, (_, i) => Math.sin(i)),
  );
  const fc = makeFloatTensor(
    'fc',
    [5, 3],
    Array.from({ length: 15 }, (_, i) => Math.cos(i)),
  );
  const node = [
    makeNode('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }, 'conv'),
    makeNode('Relu', ['c'], ['r'], {}, 'relu'),
    makeNode('Elu', ['r'], ['e'], {}, 'elu'),
    makeNode('Relu', ['e'], ['r2'], {}, 'relu2'),
    makeNode('GlobalAveragePool', ['r2'], ['g'], {}, 'gap'),
    makeNode('Flatten', ['g'], ['f'], {}, 'flatten'),
    makeNode('Gemm', ['f', 'fc'], ['logits'], { transB: 1 }, 'head'),
    makeNode('Sigmoid', ['x'], ['side'], {}, 'side'),
  ];
  const graph = onnx.GraphProto.create({
    name: 'tiny',
    node,
    initializer: [w, fc],
    input: [info('x', ['N', 2, 4, 4])],
    output: [info('logits', ['N', 5]), info('side', ['N', 2, 4, 4])],
  });
  return onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph });
}

function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('addGradientGraph contract', () => {
  it('adds only standard ai.onnx nodes, keeps the original outputs first and unchanged, and does not touch its input', async () => {
    const fixture = listFixtures().find((f) => f.name === 'resnet_basic');
    const source = fixture ? decodeModel(readModel(fixture)) : tinyModel();
    const layers = fixture ? fixture.layers.map((l) => l.tensor) : ['r2'];
    const logits = fixture ? 'logits' : 'logits';
    const before = encodeModel(source);
    const shapes = await probeShapes(source, runner);
    const { model, layers: out } = addGradientGraph(source, shapes, { logits, layers });
    expect(encodeModel(source)).toEqual(before);
    const added = model.graph!.node.slice(source.graph!.node.length);
    for (const n of added) expect(n.domain ?? '', `${n.opType} domain`).toBe('');
    expect(added.map((n) => n.opType)).not.toContain('ConvGrad');
    expect(model.opsetImport).toEqual(source.opsetImport);
    expect(model.graph!.output.slice(0, source.graph!.output.length).map((o) => o.name)).toEqual(source.graph!.output.map((o) => o.name));
    expect(model.graph!.output.slice(source.graph!.output.length).map((o) => o.name)).toEqual(
      out.flatMap((l) => [l.activation, l.gradient]),
    );
    expect(model.graph!.input.at(-1)!.name).toBe('gradcam_seed');
    // Forward nodes keep their inputs and their existing outputs (MaxPool may gain its Indices output).
    source.graph!.node.forEach((n, i) => {
      const m = model.graph!.node[i]!;
      expect(m.opType).toBe(n.opType);
      expect(m.input).toEqual(n.input);
      expect(m.output.slice(0, n.output.length)).toEqual(n.output);
    });
    // No weight is copied: the backward reads the forward's initializers by name.
    const newInits = model.graph!.initializer.slice(source.graph!.initializer.length);
    const weightBytes = source.graph!.initializer.reduce((s, t) => s + t.rawData.byteLength, 0);
    expect(newInits.reduce((s, t) => s + t.rawData.byteLength, 0)).toBeLessThan(0.05 * weightBytes);
  });

  it('names close matches for an unknown layer', async () => {
    const model = tinyModel();
    const shapes = await probeShapes(model, runner);
    const err = thrown(() => addGradientGraph(model, shapes, { logits: 'logits', layers: ['relu_2'] }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('unknown_layer');
    expect(err.extra.closeMatches).toContain('r2');
  });

  it('rejects a layer the logits do not depend on', async () => {
    const model = tinyModel();
    const shapes = await probeShapes(model, runner);
    const err = thrown(() => addGradientGraph(model, shapes, { logits: 'logits', layers: ['side'] }));
    expect(err.code).toBe('unknown_layer');
    expect(err.detail).toContain('does not influence the logits');
  });

  it('names the unsupported op, its node and the deeper layers that avoid it', async () => {
    const model = tinyModel();
    const shapes = await probeShapes(model, runner);
    const err = thrown(() => addGradientGraph(model, shapes, { logits: 'logits', layers: ['r'] }));
    expect(err.status).toBe(422);
    expect(err.code).toBe('unsupported_op');
    expect(err.extra).toMatchObject({ opType: 'Elu', node: 'elu' });
    expect(err.extra.alternatives).toEqual(['e', 'r2', 'g', 'f']);
    expect(err.detail).toMatch(/Elu.*"elu".*"e"/);
    expect(() => addGradientGraph(model, shapes, { logits: 'logits', layers: ['r2'] })).not.toThrow();
  });

  it('guided mode passes back only positive gradients at positive inputs of a ReLU', async () => {
    const graph = onnx.GraphProto.create({
      name: 'relu',
      node: [makeNode('Relu', ['x'], ['logits'])],
      input: [info('x', ['N', 6])],
      output: [info('logits', ['N', 6])],
    });
    const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph });
    const shapes = await probeShapes(model, runner);
    const x = Float32Array.from([1, -1, 2, -2, 3, 0.5]);
    const seed = Float32Array.from([0.5, 0.5, -1, -1, 2, -3]);
    const run = async (guided: boolean) => {
      const { model: prepared, layers } = addGradientGraph(model, shapes, { logits: 'logits', layers: ['x'], guided });
      const session = await runner.createSession(encodeModel(prepared));
      const out = await session.run({
        x: { type: 'float32', dims: [1, 6], data: x },
        gradcam_seed: { type: 'float32', dims: [1, 6], data: seed },
      });
      await session.release();
      return [...(out[layers[0]!.gradient]!.data as Float32Array)];
    };
    expect(await run(false)).toEqual([0.5, 0, -1, 0, 2, -3]);
    expect(await run(true)).toEqual([0.5, 0, 0, 0, 2, 0]);
  });
});
