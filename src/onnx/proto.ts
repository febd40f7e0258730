/**
 * @module
 * Reading and writing ONNX models (protobuf) with the generated static code in `generated/`.
 * Spec: https://github.com/onnx/onnx/blob/main/docs/IR.md
 */
import $protobuf from 'protobufjs/minimal.js';
import { onnx } from './generated/onnx.js';
import { ApiError } from '../errors.js';

// Keep fields this (IR 8) schema does not know, so newer models survive a round trip unchanged.
$protobuf.Reader.discardUnknown = false;

// In workerd with Node compatibility (the vitest pool, or nodejs_compat) protobufjs finds a Buffer whose
// utf8Write is not Node's and its BufferWriter throws RangeError on string fields: use the plain
// array-based reader and writer there (model uploads encode models inside the Worker).
if ((globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers') {
  ($protobuf.util as { Buffer: unknown }).Buffer = null;
  $protobuf.configure();
}

export { onnx };
export type ModelProto = onnx.ModelProto;
export type GraphProto = onnx.GraphProto;
export type NodeProto = onnx.NodeProto;
export type TensorProto = onnx.TensorProto;
export type AttributeProto = onnx.AttributeProto;
export type ValueInfoProto = onnx.ValueInfoProto;

/** ONNX TensorProto.DataType values used by this project. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;

/**
 * Decode an ONNX model. A file that is not a valid ONNX model with a graph is an
 * {@link ApiError} `invalid_model` (422), never a crash.
 *
 * @example
 * const model = decodeModel(new Uint8Array(await file.arrayBuffer()));
 */
export function decodeModel(bytes: Uint8Array): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new ApiError(422, 'invalid_model', `The file is not a valid ONNX model (protobuf decoding failed: ${(err as Error).message}).`);
  }
  if (!model.graph || model.graph.node.length === 0) {
    throw new ApiError(
      422,
      'invalid_model',
      'The file decodes but has no ONNX graph with nodes; export the classifier with torch.onnx.export or an equivalent tool.',
    );
  }
  for (const t of model.graph.initializer) {
    if (t.dataLocation === 1 || t.externalData.length > 0) {
      throw new ApiError(
        422,
        'invalid_model',
        `Initializer "${t.name}" uses external data; save the model with all tensors inline (onnx.save(model, path, save_as_external_data=False)).`,
      );
    }
  }
  return model;
}

/** Encode an ONNX model to protobuf bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** The opset version of the default (ai.onnx) domain, or 0 when the model declares none. */
export function defaultOpset(model: ModelProto): number {
  const entry = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry ? Number(entry.version) : 0;
}
