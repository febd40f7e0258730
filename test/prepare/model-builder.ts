/**
 * @module
 * Hand-built ONNX models for the prepare tests (test-only).
 */
import { onnx, encodeModel, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../../src/onnx/proto.js';
import { makeFloatTensor } from '../../src/onnx/tensor.js';

/** A float32 (or other elemType) value info; string dims are symbolic. */
export function valueInfo(name: string, dims: (number | string)[], elemType = 1): ValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType, shape: { dim } } } });
}

/** A model from its parts (ai.onnx opset 13 unless said). */
export function buildModel(parts: {
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  nodes: NodeProto[];
  initializers?: TensorProto[];
  opset?: number;
}): ModelProto {
  return onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'gradcam-edge-tests',
    opsetImport: [{ domain: '', version: parts.opset ?? 13 }],
    graph: {
      name: 'test',
      node: parts.nodes,
      input: parts.inputs,
      output: parts.outputs,
      initializer: parts.initializers ?? [],
    },
  });
}

/** Deterministic pseudo-random floats in [-scale, scale) (mulberry32). */
export function randomFloats(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** A random float initializer. */
export function randomTensor(name: string, dims: number[], seed: number, scale = 0.5): TensorProto {
  return makeFloatTensor(
    name,
    dims,
    randomFloats(
      dims.reduce((a, b) => a * b, 1),
      seed,
      scale,
    ),
  );
}

export { encodeModel };
