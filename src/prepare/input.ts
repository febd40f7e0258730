/**
 * @module
 * Finding and checking the image input of a classifier: exactly one non-initializer graph input, a 4-D
 * float tensor in NCHW (PyTorch) or NHWC layout with 1 or 3 channels.
 */
import type { ModelProto, ValueInfoProto } from '../onnx/proto.js';
import { DataType, onnx } from '../onnx/proto.js';
import { ApiError } from '../errors.js';

/** The image input as the manifest describes it. */
export interface ImageInput {
  name: string;
  /** Batch first; a symbolic batch dimension is "N". */
  shape: [string | number, number, number, number];
  layout: 'NCHW' | 'NHWC';
}

type Dim = number | string;

function dimsOf(v: ValueInfoProto): Dim[] | undefined {
  const shape = v.type?.tensorType?.shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map((d) => (d.dimValue != null && Number(d.dimValue) > 0 ? Number(d.dimValue) : d.dimParam || '?'));
}

function notAClassifier(sentence: string): ApiError {
  return new ApiError(
    422,
    'invalid_model',
    `${sentence} prepare needs an image classifier: one 4-D float input [N, 3, H, W] (or [N, H, W, 3]) and a [N, K] class-score output.`,
  );
}

function layoutOf(dims: Dim[]): 'NCHW' | 'NHWC' | undefined {
  if (dims[1] === 3 || dims[1] === 1) return 'NCHW';
  if (dims[3] === 3 || dims[3] === 1) return 'NHWC';
  return undefined;
}

/** Write fixed height and width into a symbolic-size input (the model then runs at that size only). */
function fixSpatialDims(v: ValueInfoProto, layout: 'NCHW' | 'NHWC', size: readonly [number, number]): void {
  const dim = v.type!.tensorType!.shape!.dim!;
  const [h, w] = layout === 'NCHW' ? [2, 3] : [1, 2];
  dim[h] = onnx.TensorShapeProto.Dimension.create({ dimValue: size[0] });
  dim[w] = onnx.TensorShapeProto.Dimension.create({ dimValue: size[1] });
}

/**
 * Find the model's one image input. When its height or width is symbolic, `inputSize` ([height, width])
 * fixes them in the model; without it that is a `bad_option` error.
 *
 * @example
 * findImageInput(model); // { name: 'input', shape: ['N', 3, 224, 224], layout: 'NCHW' }
 */
export function findImageInput(model: ModelProto, inputSize?: readonly [number, number]): ImageInput {
  const graph = model.graph!;
  const inits = new Set(graph.initializer.map((t) => t.name));
  const inputs = graph.input.filter((v) => !inits.has(v.name));
  if (inputs.length !== 1) {
    const names = inputs.map((v) => `"${v.name}"`).join(', ') || 'none';
    throw notAClassifier(`The model has ${inputs.length} inputs (${names}).`);
  }
  const input = inputs[0]!;
  const dims = dimsOf(input);
  const elemType = input.type?.tensorType?.elemType;
  if (!dims || dims.length !== 4 || elemType !== DataType.FLOAT) {
    const shape = dims ? `[${dims.join(', ')}]` : 'an unknown shape';
    throw notAClassifier(`Input "${input.name}" is ${elemType === DataType.FLOAT ? 'float' : `of data type ${elemType}`} with ${shape}.`);
  }
  const layout = layoutOf(dims);
  if (!layout) throw notAClassifier(`Input "${input.name}" has shape [${dims.join(', ')}]: no axis of 1 or 3 colour channels.`);
  const [hi, wi] = layout === 'NCHW' ? [2, 3] : [1, 2];
  if (typeof dims[hi] !== 'number' || typeof dims[wi] !== 'number') {
    if (!inputSize) {
      throw new ApiError(
        400,
        'bad_option',
        `Input "${input.name}" has a symbolic size [${dims.join(', ')}]; give the size to prepare for with --input-size HxW (e.g. 224x224).`,
      );
    }
    fixSpatialDims(input, layout, inputSize);
    dims[hi] = inputSize[0];
    dims[wi] = inputSize[1];
  }
  const batch = typeof dims[0] === 'number' ? dims[0] : 'N';
  return { name: input.name, shape: [batch, dims[1] as number, dims[2] as number, dims[3] as number], layout };
}
