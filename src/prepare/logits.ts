/**
 * @module
 * Finding the classifier's logits: the model's single output, or its one 2-D [N, K] float output.
 * When that output is a Softmax (or LogSoftmax), Grad-CAM must differentiate the raw scores, so the
 * Softmax input is used instead, and a note says so.
 */
import type { ModelProto } from '../onnx/proto.js';
import { DataType } from '../onnx/proto.js';
import { ApiError } from '../errors.js';
import type { ShapeMap } from '../onnx/shapes.js';

/** The logits tensor and the number of classes. */
export interface Logits {
  name: string;
  classes: number;
  /** Sentences for the user (e.g. "the graph ends in Softmax ..."). */
  notes: string[];
}

function isClassScores(shapes: ShapeMap, name: string): boolean {
  const s = shapes.get(name);
  return !!s && s.elemType === DataType.FLOAT && s.dims.length === 2 && typeof s.dims[1] === 'number';
}

function describe(shapes: ShapeMap, name: string): string {
  const s = shapes.get(name);
  return s ? `[${s.dims.join(', ')}]` : 'unknown shape';
}

/**
 * Find the logits among the model's outputs, given the probed shapes.
 *
 * @example
 * findLogits(model, shapes); // { name: 'logits', classes: 1000, notes: [] }
 */
export function findLogits(model: ModelProto, shapes: ShapeMap): Logits {
  const outputs = model.graph!.output.map((v) => v.name);
  const scores = outputs.filter((n) => isClassScores(shapes, n));
  if (scores.length === 0) {
    const list = outputs.map((n) => `"${n}" ${describe(shapes, n)}`).join(', ');
    throw new ApiError(
      422,
      'invalid_model',
      `No output is a 2-D float [N, K] class-score tensor (outputs: ${list}); for segmentation or detection outputs use --task segment or --task detect.`,
    );
  }
  const notes: string[] = [];
  let name = scores[0]!;
  if (scores.length > 1)
    notes.push(`The model has ${scores.length} class-score outputs (${scores.join(', ')}); using the first, "${name}".`);
  const producer = model.graph!.node.find((n) => n.output.includes(name));
  if (producer && (producer.opType === 'Softmax' || producer.opType === 'LogSoftmax') && isClassScores(shapes, producer.input[0]!)) {
    notes.push(`The graph ends in ${producer.opType}; Grad-CAM uses its input "${producer.input[0]}" as the logits (raw class scores).`);
    name = producer.input[0]!;
  }
  return { name, classes: shapes.get(name)!.dims[1] as number, notes };
}
