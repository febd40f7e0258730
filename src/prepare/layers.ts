/**
 * @module
 * Which layers can be explained (the default one: default-layer.ts).
 *
 * A candidate is a float tensor produced by a node that lies on a path from the image input to the logits,
 * either 4-D (NCHW or channels-last) or a 3-D token sequence [N, T, C], with its layout (layout.ts): read off
 * the graph's axis labels, else from its shape when one reading fits; 4-D tensors whose layout neither
 * tells stay candidates with an unknown layout (explaining them needs `--layout`).
 */
import type { ModelProto } from '../onnx/proto.js';
import { DataType } from '../onnx/proto.js';
import { GraphIndex } from '../onnx/graph-index.js';
import { ApiError } from '../errors.js';
import type { ShapeMap } from '../onnx/shapes.js';
import { axisTags, type AxisTag } from './axis-tags.js';
import { findLayout, type LayerLayout } from './layout.js';

/** A tensor that Grad-CAM can explain. */
export interface CandidateLayer {
  name: string;
  /** Batch first ("N" when symbolic). */
  shape: (number | 'N')[];
  /** Op type of the node that produces it. */
  op: string;
  /** Position of that node in topological order. */
  order: number;
  /** Its layout, when the graph or (failing that) its shape tells. */
  layout?: LayerLayout;
  /** How the layout was found. */
  layoutFrom?: 'graph' | 'shape';
  /** The readings of its shape that fit, when several do (the layer is ambiguous). */
  layoutOptions?: LayerLayout[];
  /** The axis labels of the tensor (axis-tags.ts). */
  tags?: AxisTag[];
}

/** The image input as candidateLayers needs it: layout and [height, width]. */
export interface ImageGeometry {
  layout: 'NCHW' | 'NHWC';
  size: [number, number];
}

/** Tensors reachable by walking from `start` along `next`. */
function reach(start: string, next: (name: string) => string[]): Set<string> {
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length > 0) {
    for (const n of next(stack.pop()!))
      if (n && !seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
  }
  return seen;
}

/** Tensors on some path from `input` to `logits` (both included). */
export function tensorsOnPath(index: GraphIndex, input: string, logits: string): Set<string> {
  const ancestors = reach(logits, (t) => [...(index.producer.get(t)?.input ?? [])]);
  const descendants = reach(input, (t) => (index.consumers.get(t) ?? []).flatMap((n) => [...n.output]));
  return new Set([...ancestors].filter((t) => descendants.has(t)));
}

/** The geometry of the graph input `input` as declared (NCHW unless its channel axis is last). */
function declaredGeometry(model: ModelProto, input: string): ImageGeometry {
  const dims = model.graph!.input.find((v) => v.name === input)?.type?.tensorType?.shape?.dim?.map((d) => Number(d.dimValue ?? 0)) ?? [];
  const nhwc = dims.length === 4 && (dims[3] === 3 || dims[3] === 1) && dims[1] !== 3 && dims[1] !== 1;
  const [h, w] = nhwc ? [dims[1], dims[2]] : [dims[2], dims[3]];
  return { layout: nhwc ? 'NHWC' : 'NCHW', size: [h || Infinity, w || Infinity] };
}

/**
 * All candidate layers in graph order.
 *
 * @example
 * candidateLayers(model, shapes, 'input', 'logits').map((c) => c.name); // ['/conv1/Conv_output_0', ...]
 */
export function candidateLayers(
  model: ModelProto,
  shapes: ShapeMap,
  input: string,
  logits: string,
  image = declaredGeometry(model, input),
): CandidateLayer[] {
  const index = new GraphIndex(model.graph!);
  const onPath = tensorsOnPath(index, input, logits);
  const tags = axisTags(index, shapes, input, image.layout);
  const out: CandidateLayer[] = [];
  index.topologicalOrder().forEach((node, order) => {
    for (const name of node.output) {
      const s = shapes.get(name);
      if (!onPath.has(name) || !s || (s.dims.length !== 4 && s.dims.length !== 3) || s.elemType !== DataType.FLOAT) continue;
      const found = findLayout(tags.get(name), s.dims, image.size);
      const tokens = found.layout?.kind === 'tokens' || found.options?.some((o) => o.kind === 'tokens');
      if (s.dims.length === 3 && !tokens) continue;
      out.push({
        name,
        shape: [...s.dims],
        op: node.opType,
        order,
        tags: tags.get(name),
        ...(found.layout ? { layout: found.layout, layoutFrom: found.from } : {}),
        ...(found.options ? { layoutOptions: found.options } : {}),
      });
    }
  });
  return out;
}

export { defaultLayer } from './default-layer.js';

/**
 * Check that each requested layer is a candidate; an unknown name is an `unknown_layer` error that lists
 * the candidates (the last ones, nearest the logits, when there are many).
 */
export function checkLayers(requested: readonly string[], candidates: readonly CandidateLayer[], shapes: ShapeMap): void {
  const names = new Set(candidates.map((c) => c.name));
  for (const name of requested) {
    if (names.has(name)) continue;
    const s = shapes.get(name);
    const why = !s
      ? `there is no tensor "${name}" in the model`
      : s.dims.length === 3
        ? `"${name}" [${s.dims.join(', ')}] is not a token sequence [N, P + h * w, C] that the graph or its shape shows (give --layout tokens --prefix-tokens P --grid HxW)`
        : s.dims.length !== 4
          ? `"${name}" is ${s.dims.length}-D [${s.dims.join(', ')}]; Grad-CAM needs a feature map (4-D [N, C, h, w] or [N, h, w, C]) or patch tokens (3-D [N, T, C])`
          : `"${name}" does not lie on the path from the image input to the logits`;
    throw new ApiError(400, 'unknown_layer', `Cannot explain layer "${name}": ${why}. Candidates: ${listCandidates(candidates)}.`, {
      candidates: candidates.map((c) => c.name),
    });
  }
}

/** A short list of candidate names for messages: the last 12, and a hint when more exist. */
export function listCandidates(candidates: readonly CandidateLayer[]): string {
  const shown = candidates.slice(-12).map((c) => `${c.name} [${c.shape.join(', ')}]`);
  const more = candidates.length - shown.length;
  return (more > 0 ? `... ${more} more (run with --list-layers), ` : '') + shown.join(', ');
}
