/**
 * @module
 * Lookups over an ONNX graph: which node produces a tensor, who consumes it, which tensors are constant.
 */
import type { GraphProto, NodeProto, TensorProto } from './proto.js';
import { attrTensor } from './attributes.js';

/** Producer/consumer maps and constants of one graph, built once. */
export class GraphIndex {
  readonly producer = new Map<string, NodeProto>();
  readonly consumers = new Map<string, NodeProto[]>();
  readonly initializers = new Map<string, TensorProto>();
  readonly graphInputs: Set<string>;

  constructor(readonly graph: GraphProto) {
    for (const t of graph.initializer) this.initializers.set(t.name, t);
    for (const node of graph.node) {
      for (const out of node.output) if (out) this.producer.set(out, node);
      for (const inp of node.input) {
        if (!inp) continue;
        const list = this.consumers.get(inp) ?? [];
        list.push(node);
        this.consumers.set(inp, list);
      }
    }
    this.graphInputs = new Set(graph.input.map((v) => v.name).filter((n) => !this.initializers.has(n)));
  }

  /** The constant value of a tensor given by an initializer or a Constant node (value attribute). */
  constant(name: string): TensorProto | undefined {
    const init = this.initializers.get(name);
    if (init) return init;
    const node = this.producer.get(name);
    if (node?.opType === 'Constant') return attrTensor(node, 'value');
    return undefined;
  }

  /** Every tensor computed from `start` (through any op), `start` included. */
  descendants(start: string): Set<string> {
    const seen = new Set<string>([start]);
    const stack = [start];
    while (stack.length > 0) {
      for (const n of this.consumers.get(stack.pop()!) ?? [])
        for (const o of n.output)
          if (o && !seen.has(o)) {
            seen.add(o);
            stack.push(o);
          }
    }
    return seen;
  }

  /** Nodes in topological order (the ONNX spec requires graphs to be sorted; this checks and sorts). */
  topologicalOrder(): NodeProto[] {
    const known = new Set<string>([...this.initializers.keys(), ...this.graph.input.map((v) => v.name), '']);
    const pending = [...this.graph.node];
    const order: NodeProto[] = [];
    while (pending.length > 0) {
      const before = pending.length;
      for (let i = 0; i < pending.length; ) {
        const node = pending[i]!;
        if (node.input.every((n) => known.has(n))) {
          order.push(node);
          for (const o of node.output) known.add(o);
          pending.splice(i, 1);
        } else i++;
      }
      if (pending.length === before) {
        const missing = pending[0]!.input.find((n) => !known.has(n));
        throw new Error(`Graph has a cycle or an undefined tensor "${missing}" (node "${pending[0]!.name}").`);
      }
    }
    return order;
  }
}
