/**
 * @module
 * An experiment on a prepared int8 model's memory: every DequantizeLinear whose fp32 output is read both by
 * the forward graph and by the gradient graph (`gradcam/...` nodes) gets a twin for the gradient readers, so
 * that onnxruntime need not keep the dequantized weight alive from the forward pass until the backward pass
 * reaches it. Writes the model and a copy of its manifest with the new sha256. Measure with
 * bench/session-memory.bench.ts (docs/model-families.md).
 *
 *     npx tsx tools/split-backward-dequantize.ts build/prepared/vit_s_16.att.int8.onnx build/prepared/vit_s_16.att.split.onnx
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeModel, encodeModel, onnx } from '../src/onnx/proto.js';
import { sha256Hex } from '../src/prepare/sha256.js';

const [source, target] = process.argv.slice(2);
if (!source || !target) throw new Error('usage: split-backward-dequantize.ts <prepared.onnx> <out.onnx>');
const model = decodeModel(new Uint8Array(readFileSync(source)));
const graph = model.graph!;
const isBackward = (n: onnx.INodeProto) => (n.name ?? '').startsWith('gradcam');
const nodes: onnx.INodeProto[] = [];
let twins = 0;
for (const node of graph.node) {
  nodes.push(node);
  if (node.opType !== 'DequantizeLinear') continue;
  const out = node.output[0]!;
  const readers = graph.node.filter((n) => n.input.includes(out));
  if (!readers.some(isBackward) || readers.every(isBackward)) continue;
  const twin = `${out}/for_gradient`;
  nodes.push(onnx.NodeProto.create({ ...node, name: `gradcam/dq_twin_${twins++}`, output: [twin] }));
  for (const r of readers.filter(isBackward)) r.input = r.input.map((i) => (i === out ? twin : i));
}
graph.node = nodes as onnx.NodeProto[];
const bytes = encodeModel(model);
writeFileSync(target, bytes);
const manifest = JSON.parse(readFileSync(source.replace(/\.onnx$/, '.json'), 'utf8'));
writeFileSync(target.replace(/\.onnx$/, '.json'), JSON.stringify({ ...manifest, sha256: await sha256Hex(bytes) }, null, 2));
console.log(`${twins} DequantizeLinear nodes twinned for the gradient graph -> ${target}`);
