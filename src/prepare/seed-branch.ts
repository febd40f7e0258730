/**
 * @module
 * The pieces shared by the passes that let a prepared model build its own seed rows (target-select.ts for
 * classifiers' top-k, task-target.ts for segmentation and detection targets): every read of a seed input is
 * redirected to the output of an `If` whose then-branch builds the rows from the model's own output and
 * whose else-branch passes the fed seed through.
 */
import { onnx, type GraphProto, type NodeProto } from '../onnx/proto.js';
import { makeNode } from '../onnx/nodes.js';

/** A value info with a float/int type and fixed or named dims. */
export function valueInfo(name: string, elemType: number, dims: readonly (number | string)[]): onnx.ValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType, shape: { dim } } } });
}

/** A Constant node whose output is named `name`. */
export function constant(name: string, tensor: onnx.TensorProto): NodeProto {
  return makeNode('Constant', [], [name], { value: tensor }, name);
}

/** Rename every read of `from` to `to` in `nodes` and their subgraphs. */
export function renameReads(nodes: NodeProto[], from: string, to: string): void {
  for (const n of nodes) {
    n.input = n.input.map((i) => (i === from ? to : i));
    for (const a of n.attribute) {
      if (a.g) renameReads(a.g.node, from, to);
      for (const g of a.graphs ?? []) renameReads(g.node, from, to);
    }
  }
}

/** A graph-valued attribute (an If's branches). */
export function graphAttr(name: string, g: GraphProto): onnx.AttributeProto {
  return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.GRAPH, g });
}

/** One branch of an If: its nodes and its outputs. */
export interface Branch {
  name: string;
  nodes: NodeProto[];
  outputs: onnx.ValueInfoProto[];
}

/**
 * An If node on `cond` with the given branches (they must have as many outputs as `outputs`).
 *
 * @example
 * ifNode('p/if', 'p/cond', ['seed_used'], { name: 'p/then', nodes, outputs }, { name: 'p/else', nodes: [identity], outputs: [info] });
 */
export function ifNode(name: string, cond: string, outputs: readonly string[], then: Branch, otherwise: Branch): NodeProto {
  const node = makeNode('If', [cond], outputs, {}, name);
  node.attribute.push(
    graphAttr('then_branch', onnx.GraphProto.create({ name: then.name, node: then.nodes, output: then.outputs })),
    graphAttr('else_branch', onnx.GraphProto.create({ name: otherwise.name, node: otherwise.nodes, output: otherwise.outputs })),
  );
  return node;
}
