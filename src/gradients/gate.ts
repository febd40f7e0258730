/**
 * @module
 * A backward graph that runs only when its seed has rows: its nodes move into the then-branch of an ONNX
 * `If` (https://onnx.ai/onnx/operators/onnx__If.html) whose condition is "dim 0 of the seed > 0"; the
 * else-branch returns an empty tensor [0, ...]. onnxruntime runs every node of a graph whatever the
 * fetches, so without the gate an unused backward pass would cost as much as a used one, and an empty seed
 * alone does not help when the forward batch N > 1 (a [0, ...] gradient does not broadcast against [N, ...]).
 * Branch nodes read forward tensors and initializers of the main graph (outer-scope values).
 */
import { onnx, DataType, type NodeProto } from '../onnx/proto.js';
import { makeNode } from '../onnx/nodes.js';
import { makeInt64Tensor } from '../onnx/tensor.js';
import { constI, op, type Emitter } from './emit.js';

/** One gradient leaving a gated segment. */
export interface GatedOutput {
  /** The gradient's name inside the segment. */
  inner: string;
  /** The name the If node gives it in the main graph. */
  outer: string;
  /** Its dims with the gradient batch as any value (only dims after the first are used). */
  dims: (number | string)[];
}

function floatInfo(name: string, dims: (number | string)[]): onnx.ValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } });
}

function graphAttr(name: string, g: onnx.GraphProto): onnx.AttributeProto {
  return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.GRAPH, g });
}

function elseBranch(e: Emitter, outputs: readonly GatedOutput[]): onnx.GraphProto {
  const nodes: NodeProto[] = [];
  const infos = outputs.map((o) => {
    const shape = e.fresh('empty_shape');
    const empty = e.fresh('empty');
    const dims = [0, ...o.dims.slice(1).map(Number)];
    nodes.push(makeNode('Constant', [], [shape], { value: makeInt64Tensor(e.fresh('dims'), [dims.length], dims) }, shape));
    nodes.push(makeNode('ConstantOfShape', [shape], [empty], {}, empty));
    return floatInfo(empty, o.dims);
  });
  return onnx.GraphProto.create({ name: e.fresh('skipped'), node: nodes, output: infos });
}

/**
 * Move `e.nodes[start..]` (the segment just emitted for one seed) into an If gated on that seed's rows;
 * appends the If node to `e.nodes`.
 */
export function gateSegment(e: Emitter, start: number, seed: string, outputs: readonly GatedOutput[]): void {
  const body = e.nodes.splice(start);
  const produced = new Set(body.flatMap((n) => n.output));
  const thenOutputs = outputs.map((o) => {
    if (produced.has(o.inner)) return floatInfo(o.inner, o.dims);
    const copy = e.fresh('gradient');
    body.push(makeNode('Identity', [o.inner], [copy], {}, copy));
    return floatInfo(copy, o.dims);
  });
  const thenBranch = onnx.GraphProto.create({ name: e.fresh('backward'), node: body, output: thenOutputs });
  e.useSeed(seed);
  const hasRows = op(e, 'Greater', [e.gradBatch(), constI(e, [0])]);
  const ifNode = makeNode(
    'If',
    [hasRows],
    outputs.map((o) => o.outer),
    {},
    e.fresh('gate'),
  );
  ifNode.attribute.push(graphAttr('then_branch', thenBranch), graphAttr('else_branch', elseBranch(e, outputs)));
  e.nodes.push(ifNode);
}
