/**
 * @module
 * Which task a model performs and which output prepare explains, from the outputs' shapes and the graph,
 * or as `--task` says:
 * - `classify`: a 2-D float output [N, K] of class scores (a final Softmax is looked through: logits.ts);
 * - `embed`: a 2-D float output [N, D] chosen with `--task embed`, or found automatically when the graph ends
 *   in an L2 normalisation (LpNormalization, or a Div by a ReduceL2 / Sqrt norm), as image encoders do;
 * - `segment`: a 4-D float output [N, K, H, W] of per-pixel class scores (a Softmax over K looked through);
 * - `detect`: a 3-D float output in a YOLO dense layout (src/tasks/detect-format.ts).
 * Without `--task`, a 2-D output wins (classifiers stay as before), then 4-D, then 3-D.
 */
import type { ModelProto } from '../onnx/proto.js';
import { DataType } from '../onnx/proto.js';
import { GraphIndex } from '../onnx/graph-index.js';
import type { ShapeMap } from '../onnx/shapes.js';
import { ApiError } from '../errors.js';
import type { TaskSpec } from '../manifest.js';
import { detectFormatOf, type DetectLayout } from '../tasks/detect-format.js';
import { findLogits, type Logits } from './logits.js';

/** The tasks prepare knows. */
export const TASKS = ['classify', 'segment', 'detect', 'embed'] as const;
export type TaskKind = (typeof TASKS)[number];

/** Task options of prepare. */
export interface TaskOptions {
  /** The task; default: detected (module comment). */
  task?: TaskKind;
  /** Layout of a detection output; default: from its shape, anchors-first taken to carry objectness unless the labels say otherwise. */
  detectLayout?: DetectLayout;
  /** Number of labels given, which tells an anchors-first layout with objectness (5 + C) from one without (4 + C). */
  labelCount?: number;
}

/** The task found: its manifest spec and the output explained (`logits`: the tensor G differentiates). */
export interface FoundTask {
  spec: TaskSpec;
  logits: Logits;
}

const rankOf = (shapes: ShapeMap, name: string): number => {
  const s = shapes.get(name);
  return s && s.elemType === DataType.FLOAT && s.dims.slice(1).every((d) => typeof d === 'number') ? s.dims.length : 0;
};

const describe = (shapes: ShapeMap, name: string) => `"${name}" [${shapes.get(name)?.dims.join(', ') ?? '?'}]`;

/** True when `name` is an L2-normalised vector: LpNormalization, or x / norm with the norm from ReduceL2 or Sqrt. */
export function isNormalised(index: GraphIndex, name: string): boolean {
  const node = index.producer.get(name);
  if (!node) return false;
  if (node.opType === 'LpNormalization') return true;
  if (node.opType !== 'Div') return false;
  let t = node.input[1];
  for (let hop = 0; hop < 4 && t; hop++) {
    const p = index.producer.get(t);
    if (!p) return false;
    if (p.opType === 'ReduceL2' || p.opType === 'Sqrt') return true;
    t = p.input[0];
  }
  return false;
}

/** The input of a Softmax over `axis` that produces `name`, if any. */
function softmaxInput(index: GraphIndex, shapes: ShapeMap, name: string, axis: number): string | undefined {
  const p = index.producer.get(name);
  if (!p || (p.opType !== 'Softmax' && p.opType !== 'LogSoftmax')) return undefined;
  const a = p.attribute.find((x) => x.name === 'axis');
  const rank = shapes.get(name)!.dims.length;
  const at = a ? Number(a.i) : -1;
  return (at < 0 ? at + rank : at) === axis ? p.input[0] : undefined;
}

function noOutput(shapes: ShapeMap, outputs: string[], task: TaskKind | undefined): ApiError {
  const list = outputs.map((n) => describe(shapes, n)).join(', ');
  const wanted =
    task === 'segment'
      ? 'a 4-D float [N, K, H, W] output'
      : task === 'detect'
        ? 'a 3-D float output [N, 4 + C, A] or [N, A, 4 + C] (YOLO dense layout)'
        : task
          ? 'a 2-D float [N, K] output'
          : 'a 2-D float [N, K] output (classify, embed), a 4-D [N, K, H, W] output (segment) or a 3-D YOLO-style [N, 4 + C, A] output (detect)';
  return new ApiError(422, 'invalid_model', `No output fits: prepare needs ${wanted} (outputs: ${list}).`);
}

/**
 * @example
 * findTask(model, shapes, {}); // { spec: { kind: 'segment', classes: 21, height: 64, width: 64, background: 0 }, logits: { name: 'out', classes: 21, notes: [] } }
 */
export function findTask(model: ModelProto, shapes: ShapeMap, opts: TaskOptions = {}): FoundTask {
  const outputs = model.graph!.output.map((v) => v.name);
  const index = new GraphIndex(model.graph!);
  const byRank = (r: number) => outputs.filter((n) => rankOf(shapes, n) === r);
  const detectable = byRank(3).filter((n) => detectFormatOf(shapes.get(n)!.dims) !== null);
  const kind: TaskKind | undefined =
    opts.task ??
    (byRank(2).length > 0
      ? byRank(2).some((n) => isNormalised(index, n))
        ? 'embed'
        : 'classify'
      : byRank(4).length > 0
        ? 'segment'
        : detectable.length > 0
          ? 'detect'
          : undefined);
  if (kind === 'classify') return { spec: { kind }, logits: findLogits(model, shapes) };
  if (kind === 'embed') {
    const name = byRank(2).find((n) => isNormalised(index, n)) ?? byRank(2)[0];
    if (!name) throw noOutput(shapes, outputs, kind);
    const dimensions = shapes.get(name)!.dims[1] as number;
    const note = `Explaining the embedding "${name}" (${dimensions} dimensions): targets are directions (vector=) or units (index=).`;
    return { spec: { kind, dimensions }, logits: { name, classes: dimensions, notes: [note] } };
  }
  if (kind === 'segment') {
    let name = byRank(4)[0];
    if (!name) throw noOutput(shapes, outputs, kind);
    const notes: string[] = [];
    const before = softmaxInput(index, shapes, name, 1);
    if (before && rankOf(shapes, before) === 4) {
      notes.push(`The graph ends in a Softmax over classes; the segmentation target uses its input "${before}" (raw class scores).`);
      name = before;
    }
    const [, classes, height, width] = shapes.get(name)!.dims as number[];
    notes.push(`Segmentation output "${name}" [${classes}, ${height}, ${width}] per image; class 0 is taken as the background.`);
    return { spec: { kind, classes: classes!, height: height!, width: width!, background: 0 }, logits: { name, classes: classes!, notes } };
  }
  if (kind === 'detect') {
    const name = opts.task ? byRank(3).find((n) => detectFormatOf(shapes.get(n)!.dims)) : detectable[0];
    if (!name) throw noOutput(shapes, outputs, kind);
    const dims = shapes.get(name)!.dims;
    const fields = Math.min(dims[1] as number, dims[2] as number);
    const objectness = opts.detectLayout
      ? opts.detectLayout === 'anchors-first-objectness'
      : opts.labelCount !== undefined
        ? opts.labelCount === fields - 5
        : true;
    const format = detectFormatOf(dims, objectness)!;
    if (opts.detectLayout && format.layout !== opts.detectLayout) {
      throw new ApiError(
        400,
        'bad_option',
        `--detect-layout ${opts.detectLayout} does not fit output "${name}" [${dims.join(', ')}] (its shape says ${format.layout === 'channels-first' ? 'channels-first' : 'anchors-first'}).`,
      );
    }
    const notes = [`Detection output "${name}": ${format.layout}, ${format.classes} classes, ${format.anchors} anchors.`];
    if (format.layout !== 'channels-first' && !opts.detectLayout && opts.labelCount === undefined) {
      notes.push(
        'An anchors-first output was taken to carry objectness ([N, A, 5 + C], YOLOv5/v7); give --labels or --detect-layout anchors-first if it has none.',
      );
    }
    return { spec: { kind, ...format }, logits: { name, classes: format.classes, notes } };
  }
  throw noOutput(shapes, outputs, opts.task);
}
