/**
 * @module
 * An independent check of a `gradcam-edge/1` manifest against the prepared ONNX file it describes
 * (test-only): every field present and well-typed, names that exist in the model, matching sha256.
 */
import { createHash } from 'node:crypto';
import { decodeModel } from '../../src/onnx/proto.js';
import type { Manifest } from '../../src/manifest.js';

const isDim = (d: unknown) => (typeof d === 'number' && Number.isInteger(d) && d > 0) || typeof d === 'string';
const isTriple = (v: unknown) => Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number');

/** Problems found (empty when the manifest is valid for this model). */
export function manifestProblems(m: Manifest, model: Uint8Array, source: Uint8Array): string[] {
  const p: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) p.push(what);
  };
  need(m.format === 'gradcam-edge/1', 'format');
  need(typeof m.input?.name === 'string' && m.input.shape?.length === 4 && m.input.shape.every(isDim), 'input name/shape');
  need(m.input?.layout === 'NCHW' || m.input?.layout === 'NHWC', 'input layout');
  need(isTriple(m.input?.mean) && isTriple(m.input?.std) && m.input.std.every((s) => s > 0), 'mean/std');
  need(
    typeof m.seed?.name === 'string' && m.seed.shape?.length === 2 && isDim(m.seed.shape[0]) && Number.isInteger(m.seed.shape[1]),
    'seed',
  );
  need(typeof m.logits?.name === 'string', 'logits');
  need(Array.isArray(m.layers) && m.layers.length > 0, 'layers');
  need(m.layers.filter((l) => l.default).length === 1, 'exactly one default layer');
  need(m.labels === null || (Array.isArray(m.labels) && m.labels.length === m.seed.shape[1]), 'labels');
  need(m.quantization?.weights === 'int8' || m.quantization?.weights === 'none', 'quantization');
  need(/^[0-9a-f]{64}$/.test(m.sha256) && m.sha256 === createHash('sha256').update(model).digest('hex'), 'sha256 of the prepared file');
  need(m.source?.sha256 === createHash('sha256').update(source).digest('hex'), 'source sha256');
  need(Number.isInteger(m.opset) && m.opset >= 13, 'opset');
  const graph = decodeModel(model).graph!;
  const inputs = new Set(graph.input.map((v) => v.name));
  const outputs = new Set(graph.output.map((v) => v.name));
  need(inputs.has(m.input.name) && inputs.has(m.seed.name), 'input and seed are graph inputs');
  for (const l of m.layers) {
    need(outputs.has(l.activation) && outputs.has(l.gradient), `layer ${l.name}: activation and gradient are graph outputs`);
    need(l.shape.length === 4 && l.shape.every(isDim), `layer ${l.name}: shape`);
  }
  return p;
}
