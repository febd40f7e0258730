/**
 * @module
 * The float path of an int8 trunk: the input-gradient backward graphs (gated Ifs, src/gradients/gate.ts)
 * read forward tensors from the outer scope; after the trunk becomes int8 they get their own float copy of
 * the forward ops they read, inside their then-branch, so they run only when an input gradient is asked for.
 */
import { onnx, type NodeProto, type GraphProto } from '../onnx/proto.js';

/** Every name read by a node's subgraphs (outer-scope reads included), recursively. */
export function subgraphReads(n: NodeProto, into: Set<string>): void {
  for (const a of n.attribute)
    for (const g of [a.g, ...(a.graphs ?? [])])
      if (g)
        for (const m of g.node) {
          for (const i of m.input) if (i) into.add(i);
          subgraphReads(m, into);
        }
}

function renameReads(nodes: NodeProto[], names: Map<string, string>): void {
  for (const n of nodes) {
    n.input = n.input.map((i) => names.get(i) ?? i);
    for (const a of n.attribute) for (const g of [a.g, ...(a.graphs ?? [])]) if (g) renameReads(g.node, names);
  }
}

/**
 * Copy the float forward nodes each gate reads (and their ancestors) into its then-branch, renamed, so its
 * backward sees the float forward of the source model, not the int8 trunk.
 */
export function copyFloatForward(forward: readonly NodeProto[], gateReads: Map<NodeProto, Set<string>>): number {
  const producer = new Map<string, NodeProto>();
  for (const n of forward) for (const o of n.output) if (o) producer.set(o, n);
  let copies = 0;
  for (const [g, [gate, reads]] of [...gateReads].entries()) {
    const prefix = `gradcam/float${g}/`;
    const need = new Set<NodeProto>();
    const stack = [...reads];
    while (stack.length > 0) {
      const p = producer.get(stack.pop()!);
      if (!p || need.has(p)) continue;
      need.add(p);
      stack.push(...p.input);
    }
    const names = new Map<string, string>();
    for (const n of need) for (const o of n.output) if (o) names.set(o, `${prefix}${o}`);
    const body = forward
      .filter((n) => need.has(n))
      .map((n) =>
        onnx.NodeProto.create({
          ...n,
          input: n.input.map((i) => names.get(i) ?? i),
          output: n.output.map((o) => names.get(o) ?? o),
          name: `${prefix}${n.name || n.output[0]}`,
        }),
      );
    const then = gate.attribute.find((a) => a.name === 'then_branch')?.g as GraphProto | undefined;
    if (!then) continue;
    renameReads(then.node, names);
    then.node = [...body, ...then.node];
    copies += body.length;
  }
  return copies;
}
