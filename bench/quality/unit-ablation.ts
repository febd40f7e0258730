/**
 * @module
 * A copy of a prepared model whose explained layer is multiplied by a per-image, per-channel mask fed as a
 * new input (`unit_mask`, float32 [N, C, 1, 1]): 1 keeps a unit, 0 zeroes it everywhere downstream (the
 * logits and every later tensor). For the unit-ablation check of the textual explanations.
 */
import { makeNode } from '../../src/onnx/nodes.js';
import { decodeModel, encodeModel, onnx } from '../../src/onnx/proto.js';

/** The name of the mask input. */
export const UNIT_MASK = 'unit_mask';

/** The model with `layer` (a node output) replaced by layer x unit_mask. */
export function withUnitMask(bytes: Uint8Array, layer: string, channels: number): Uint8Array {
  const model = decodeModel(bytes);
  const graph = model.graph!;
  const producer = graph.node.find((n) => n.output.includes(layer));
  if (!producer) throw new Error(`no node outputs ${layer}`);
  const raw = `${layer}/before_unit_mask`;
  producer.output = producer.output.map((o) => (o === layer ? raw : o));
  graph.node.splice(graph.node.indexOf(producer) + 1, 0, makeNode('Mul', [raw, UNIT_MASK], [layer]));
  graph.input.push(
    onnx.ValueInfoProto.create({
      name: UNIT_MASK,
      type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: channels }, { dimValue: 1 }, { dimValue: 1 }] } } },
    }),
  );
  return encodeModel(model);
}
