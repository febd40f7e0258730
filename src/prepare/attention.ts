/**
 * @module
 * Attention probabilities as prepared outputs, for the attention methods (rollout, attention-gradcam): the
 * Softmax nodes whose output weighs the values of an attention block, i.e. feeds (through Dropout/Identity)
 * the first operand of a MatMul whose second operand is computed from the image, with a square [T, T]
 * last pair of axes. Each becomes `gradcam_A:<softmax output>` (probabilities) and `gradcam_G:<...>`
 * (d(sum_k seed_k * logit_k)/dP), output as [N, heads, T, T] (torch's MultiheadAttention keeps them as
 * [N * heads, T, T]: reshaped in the graph). With probabilities only (rollout), no backward graph is added
 * for them: they are forward outputs `gradcam_P:<softmax output>`.
 */
import { onnx, defaultOpset, type ModelProto, type NodeProto } from '../onnx/proto.js';
import { makeNode } from '../onnx/nodes.js';
import { GraphIndex } from '../onnx/graph-index.js';
import type { ShapeMap } from '../onnx/shapes.js';
import { ApiError } from '../errors.js';
import { allTensorNames, type PreparedLayer } from '../gradients/graph.js';
import { Emitter, op, constI } from '../gradients/emit.js';
import type { CandidateLayer } from './layers.js';

/** One block's attention probabilities as the manifest lists them. */
export interface AttentionBlockSpec {
  /** The Softmax output in the source model. */
  name: string;
  probabilities: string;
  /** Absent when prepared with probabilities only (rollout). */
  gradient?: string;
  heads: number;
  tokens: number;
}

/** The manifest's `attention` section. */
export interface AttentionSpec {
  prefixTokens: number;
  grid: [number, number];
  blocks: AttentionBlockSpec[];
}

/** Consumers of `name`, looking through Dropout and Identity. */
function readers(index: GraphIndex, name: string): { node: NodeProto; via: string }[] {
  return (index.consumers.get(name) ?? []).flatMap((n) =>
    n.opType === 'Dropout' || n.opType === 'Identity' ? readers(index, n.output[0]!) : [{ node: n, via: name }],
  );
}

/** The attention probabilities of the model, in graph order, with heads and token count. */
export function findAttention(
  model: ModelProto,
  shapes: ShapeMap,
  input: string,
  onPath: ReadonlySet<string>,
): { name: string; heads: number; tokens: number }[] {
  const index = new GraphIndex(model.graph!);
  const derived = index.descendants(input);
  return index.topologicalOrder().flatMap((node) => {
    const name = node.output[0]!;
    if (node.opType !== 'Softmax' || !onPath.has(name)) return [];
    const weighs = readers(index, name).some(({ node: n, via }) => n.opType === 'MatMul' && n.input[0] === via && derived.has(n.input[1]!));
    const s = shapes.get(name);
    const d = s?.dims ?? [];
    const t = d[d.length - 1];
    if (!weighs || typeof t !== 'number' || d[d.length - 2] !== t || (d.length !== 3 && d.length !== 4)) return [];
    const heads = d.length === 4 ? d[1] : s?.batchScaled?.includes(0) ? d[0] : d[0] === 'N' ? 1 : undefined;
    return typeof heads === 'number' ? [{ name, heads, tokens: t }] : [];
  });
}

/**
 * The `attention` section for the found blocks: prefix tokens and grid from a token layer with the same
 * token count. Throws `bad_option` when the model has no attention or no such token layer.
 */
export function attentionSpec(
  found: { name: string; heads: number; tokens: number }[],
  candidates: readonly CandidateLayer[],
  outputs: ReadonlyMap<string, { probabilities: string; gradient?: string }>,
): AttentionSpec {
  if (found.length === 0)
    throw new ApiError(
      400,
      'bad_option',
      '--attention: the model has no attention probabilities (a Softmax over the key axis that weighs the values of a MatMul).',
    );
  const t = found[0]!.tokens;
  const tokenLayer = candidates.find((c) => c.layout?.kind === 'tokens' && c.shape[1] === t);
  if (!tokenLayer)
    throw new ApiError(
      400,
      'bad_option',
      `--attention: no token layer has the attention's ${t} tokens, so the patch grid is unknown (window attention, as in Swin, has no class token to roll out).`,
    );
  return {
    prefixTokens: tokenLayer.layout!.prefixTokens ?? 0,
    grid: tokenLayer.layout!.grid,
    blocks: found.map((f) => ({ name: f.name, ...outputs.get(f.name)!, heads: f.heads, tokens: f.tokens })),
  };
}

/** The outputs of prepared layers, by name (attention blocks prepared with their gradients). */
export function layerOutputs(layers: readonly PreparedLayer[]): Map<string, { probabilities: string; gradient: string }> {
  return new Map(layers.map((l) => [l.name, { probabilities: l.activation, gradient: l.gradient }]));
}

/**
 * Probabilities only (for rollout, forward only): an output `gradcam_P:<softmax output>` per block, in place.
 * Returns the outputs by block name.
 */
export function addProbabilityOutputs(
  model: ModelProto,
  shapes: ShapeMap,
  names: readonly string[],
): Map<string, { probabilities: string }> {
  const graph = model.graph!;
  const out = new Map<string, { probabilities: string }>();
  for (const name of names) {
    const output = `gradcam_P:${name}`;
    graph.node.push(makeNode('Identity', [name], [output], {}, output));
    const dim = (shapes.get(name)?.dims ?? []).map((d) =>
      onnx.TensorShapeProto.Dimension.create(d === 'N' ? { dimParam: 'N' } : { dimValue: d }),
    );
    graph.output.push(onnx.ValueInfoProto.create({ name: output, type: { tensorType: { elemType: 1, shape: { dim } } } }));
    out.set(name, { probabilities: output });
  }
  return out;
}

/** Reshape the probabilities and gradient outputs of folded [N * heads, T, T] blocks to [N, heads, T, T], in place. */
export function attentionOutputs(model: ModelProto, blocks: readonly AttentionBlockSpec[]): void {
  const graph = model.graph!;
  const e = new Emitter(defaultOpset(model), allTensorNames(graph), graph.input[0]!.name);
  for (const b of blocks) {
    for (const out of [b.probabilities, b.gradient]) {
      if (!out) continue;
      const info = graph.output.find((v) => v.name === out)!;
      const dims = info.type!.tensorType!.shape!.dim!;
      if (dims.length === 4) continue;
      const producer = graph.node.find((n) => n.output.includes(out))!;
      const source = e.fresh('attention_rows');
      producer.output = producer.output.map((o) => (o === out ? source : o));
      const reshaped = op(e, 'Reshape', [source, constI(e, [-1, b.heads, b.tokens, b.tokens])]);
      e.nodes.push(makeNode('Identity', [reshaped], [out], {}, e.fresh('attention')));
      const dim = (v: number) => onnx.TensorShapeProto.Dimension.create({ dimValue: v });
      // The folded axis was N * heads: the batch of the reshaped output is symbolic (N forward, S for gradients).
      const batch = onnx.TensorShapeProto.Dimension.create({ dimParam: out === b.gradient ? 'S' : 'N' });
      info.type!.tensorType!.shape!.dim = [batch, dim(b.heads), dim(b.tokens), dim(b.tokens)];
    }
  }
  graph.node.push(...e.nodes);
  graph.initializer.push(...e.initializers);
}
