/**
 * @module
 * Making ONNX nodes. Small functions instead of a chained builder, as tfjs-core's gradients do.
 */
import { onnx, type NodeProto } from './proto.js';
import { makeAttribute, type AttrValue } from './attributes.js';

/**
 * A node of the default (ai.onnx) domain.
 *
 * @example
 * makeNode('Relu', ['x'], ['y'], {}, 'relu_0');
 */
export function makeNode(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attrs: Record<string, AttrValue | undefined> = {},
  name = '',
): NodeProto {
  const attribute = Object.entries(attrs)
    .filter((e): e is [string, AttrValue] => e[1] !== undefined)
    .map(([k, v]) => makeAttribute(k, v));
  return onnx.NodeProto.create({ opType, input: [...inputs], output: [...outputs], attribute, name });
}
