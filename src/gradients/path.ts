/**
 * @module
 * The part of a graph the backward pass must cover: nodes that are both descendants of a requested layer
 * and ancestors of the logits, and the tensors on that path (the ones that need a gradient).
 */
import type { NodeProto } from '../onnx/proto.js';

/** The gradient path between some layers and the logits. */
export interface GradientPath {
  /** Path nodes in topological order. */
  nodes: NodeProto[];
  /** Tensors that need a gradient: descendants of a layer (layers included) that are ancestors of the logits. */
  tensors: Set<string>;
}

/** Tensors from which `target` can be reached, itself included (`order` is topological). */
export function ancestorsOf(order: readonly NodeProto[], target: string): Set<string> {
  const needed = new Set([target]);
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    if (node.output.some((o) => o && needed.has(o))) for (const inp of node.input) if (inp) needed.add(inp);
  }
  return needed;
}

/** Which tensors can carry a gradient (float tensors); shape arithmetic and integer casts cannot. */
export type Differentiable = (tensor: string) => boolean;

/** Tensors computed from any of `roots` through differentiable tensors only, roots included. */
export function descendantsOf(order: readonly NodeProto[], roots: Iterable<string>, isDiff: Differentiable = () => true): Set<string> {
  const reached = new Set(roots);
  for (const node of order) {
    if (node.input.some((i) => i && reached.has(i))) for (const o of node.output) if (o && isDiff(o)) reached.add(o);
  }
  return reached;
}

/** The path from `layers` to `logits` (layers that do not reach the logits are the caller's check). */
export function gradientPath(
  order: readonly NodeProto[],
  layers: readonly string[],
  logits: string,
  isDiff: Differentiable,
  ancestors = ancestorsOf(order, logits),
): GradientPath {
  const below = descendantsOf(order, layers, isDiff);
  const tensors = new Set([...below].filter((t) => ancestors.has(t)));
  const nodes = order.filter((n) => n.input.some((i) => i && tensors.has(i)) && n.output.some((o) => o && tensors.has(o)));
  return { nodes, tensors };
}

/**
 * Layers that avoid the unsupported `blocked` nodes: outputs of path nodes downstream of `blocked[0]` whose
 * own path to the logits contains no blocked op. Nearest first.
 */
export function layersAvoiding(
  order: readonly NodeProto[],
  path: GradientPath,
  isSupported: (n: NodeProto) => boolean,
  logits: string,
  isDiff: Differentiable,
  from: NodeProto,
): string[] {
  const ancestors = ancestorsOf(order, logits);
  const after = descendantsOf(order, from.output.filter(Boolean));
  const candidates = path.nodes
    .filter((n) => n.output.some((o) => after.has(o)))
    .flatMap((n) => n.output.filter((o) => o && path.tensors.has(o)));
  const good: string[] = [];
  for (const t of candidates) {
    if (t === logits) continue;
    const sub = gradientPath(order, [t], logits, isDiff, ancestors);
    if (sub.nodes.every(isSupported)) good.push(t);
    if (good.length >= 8) break;
  }
  return good;
}
