/**
 * @module
 * The default layer of dense-prediction models (segment, detect). A classifier's default is the map that
 * feeds its global pooling (layers.ts); a segmenter or detector has none, and its last layers are
 * per-scale or per-class maps: Grad-CAM on a detector's stride-32 branch gives a zero map for a box found
 * at stride 8, and on a segmenter's final class-score map it just returns the class's own scores.
 *
 * So the default is the deepest *shared* activation: the last 4-D tensor with spatial size above 1 that
 * every path from the image to the explained output goes through (a cut of the float graph: right after
 * its producer in topological order it is the only live float tensor on those paths) and that fans out to
 * two or more consumers (where the head or the neck branches off). That is torchvision deeplabv3's
 * backbone output (into ASPP; what pytorch-grad-cam's segmentation tutorial explains), LRASPP's stride-8
 * feature (both its head and the rest of the backbone read it), and a YOLOv8-style detector's last trunk
 * stage before the neck (stride 8, which every detection at every scale depends on). Without such a fan-out,
 * the last cut with spatial size above 1 other than the output itself.
 */
import type { ModelProto } from '../onnx/proto.js';
import { DataType } from '../onnx/proto.js';
import { GraphIndex } from '../onnx/graph-index.js';
import type { ShapeMap } from '../onnx/shapes.js';
import { tensorsOnPath, type CandidateLayer } from './layers.js';

/**
 * The float tensors on the path from `input` to `output` that every such path goes through, in
 * topological order (the input first when it is one).
 */
export function cutTensors(model: ModelProto, shapes: ShapeMap, input: string, output: string): string[] {
  const index = new GraphIndex(model.graph!);
  const onPath = floatsOnPath(index, shapes, input, output);
  const order = index.topologicalOrder();
  // lastUse[t]: position of the last node on the path that reads t (the output counts as read at the end).
  const lastUse = new Map<string, number>();
  order.forEach((node, i) => {
    for (const t of node.input) if (onPath.has(t) && node.output.some((o) => onPath.has(o))) lastUse.set(t, i);
  });
  lastUse.set(output, order.length);
  const cuts: string[] = [];
  let live = new Set<string>([input]);
  order.forEach((node, i) => {
    for (const o of node.output) if (onPath.has(o)) live.add(o);
    live = new Set([...live].filter((t) => (lastUse.get(t) ?? -1) > i));
    if (live.size === 1) {
      const [only] = live;
      if (node.output.includes(only!)) cuts.push(only!);
    }
  });
  return cuts;
}

/** Float tensors on a path from `input` to `output` (shape arithmetic excluded). */
function floatsOnPath(index: GraphIndex, shapes: ShapeMap, input: string, output: string): Set<string> {
  const isFloat = (t: string) => (shapes.get(t)?.elemType ?? DataType.FLOAT) === DataType.FLOAT;
  return new Set([...tensorsOnPath(index, input, output)].filter(isFloat));
}

/** Number of nodes reading `t` that produce a float tensor on the path (Shape reads, e.g. for a Resize's sizes, do not count). */
function fanOut(index: GraphIndex, onPath: ReadonlySet<string>, t: string): number {
  return (index.consumers.get(t) ?? []).filter((n) => n.output.some((o) => onPath.has(o))).length;
}

/**
 * The default layer for segment and detect (module comment), or undefined when no candidate qualifies.
 *
 * @example
 * sharedLayer(model, shapes, candidates, 'input', 'out')?.name; // deeplabv3: the backbone's output
 */
export function sharedLayer(
  model: ModelProto,
  shapes: ShapeMap,
  candidates: readonly CandidateLayer[],
  input: string,
  output: string,
): CandidateLayer | undefined {
  const byName = new Map(candidates.map((c) => [c.name, c]));
  const cuts = cutTensors(model, shapes, input, output)
    .filter((t) => t !== output && t !== input)
    .map((t) => byName.get(t))
    .filter((c): c is CandidateLayer => !!c && gridSize(c) > 1);
  const index = new GraphIndex(model.graph!);
  const onPath = floatsOnPath(index, shapes, input, output);
  const branching = cuts.filter((c) => fanOut(index, onPath, c.name) >= 2);
  return branching[branching.length - 1] ?? cuts[cuts.length - 1];
}

/** h * w of a candidate's map in whatever layout the graph gave it (0 when its layout is unknown). */
function gridSize(c: CandidateLayer): number {
  return c.layout ? c.layout.grid[0] * c.layout.grid[1] : 0;
}
