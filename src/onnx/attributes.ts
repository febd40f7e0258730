/**
 * @module
 * Reading and making ONNX node attributes.
 */
import { onnx, type NodeProto, type AttributeProto, type TensorProto } from './proto.js';

const T = onnx.AttributeProto.AttributeType;

function find(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

/** An INT attribute, or the default. */
export function attrInt(node: NodeProto, name: string, dflt: number): number;
export function attrInt(node: NodeProto, name: string): number | undefined;
export function attrInt(node: NodeProto, name: string, dflt?: number): number | undefined {
  const a = find(node, name);
  return a ? Number(a.i) : dflt;
}

/** A FLOAT attribute, or the default. */
export function attrFloat(node: NodeProto, name: string, dflt: number): number;
export function attrFloat(node: NodeProto, name: string): number | undefined;
export function attrFloat(node: NodeProto, name: string, dflt?: number): number | undefined {
  const a = find(node, name);
  return a ? a.f : dflt;
}

/** An INTS attribute, or the default. */
export function attrInts(node: NodeProto, name: string, dflt: number[]): number[];
export function attrInts(node: NodeProto, name: string): number[] | undefined;
export function attrInts(node: NodeProto, name: string, dflt?: number[]): number[] | undefined {
  const a = find(node, name);
  return a ? a.ints.map(Number) : dflt;
}

/** A STRING attribute, or the default. */
export function attrString(node: NodeProto, name: string, dflt: string): string;
export function attrString(node: NodeProto, name: string): string | undefined;
export function attrString(node: NodeProto, name: string, dflt?: string): string | undefined {
  const a = find(node, name);
  return a ? new TextDecoder().decode(a.s) : dflt;
}

/** A TENSOR attribute (e.g. Constant's value). */
export function attrTensor(node: NodeProto, name: string): TensorProto | undefined {
  const a = find(node, name);
  return a?.t ?? undefined;
}

/** Attribute values accepted by {@link makeAttribute}. */
export type AttrValue = number | string | number[] | TensorProto | { float: number } | { floats: number[] };

/**
 * Make an attribute. Plain numbers become INT (use `{ float: x }` for FLOAT), number arrays INTS
 * (use `{ floats: [...] }` for FLOATS), strings STRING, tensors TENSOR.
 */
export function makeAttribute(name: string, value: AttrValue): AttributeProto {
  if (typeof value === 'number') return onnx.AttributeProto.create({ name, type: T.INT, i: value });
  if (typeof value === 'string') return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) return onnx.AttributeProto.create({ name, type: T.INTS, ints: value });
  if ('float' in value) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: value.float });
  if ('floats' in value) return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: value.floats });
  return onnx.AttributeProto.create({ name, type: T.TENSOR, t: value });
}
