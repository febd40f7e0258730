/**
 * @module
 * The gradient compiler: adds to an ONNX classifier a backward graph of standard ai.onnx operators so that
 * the model also outputs, for each requested layer, its activation A and G = d(sum_k seed_k * logit_k)/dA.
 *
 * Batch contract (src/manifest.ts): gradient tensors carry the seed's batch S; forward tensors (batch 1 or
 * N = S) broadcast against them, so rules never hard-code the batch.
 */
import { onnx, DataType, defaultOpset, type ModelProto, type NodeProto, type ValueInfoProto } from '../onnx/proto.js';
import { makeNode } from '../onnx/nodes.js';
import { GraphIndex } from '../onnx/graph-index.js';
import type { Dim, ShapeMap } from '../onnx/shapes.js';
import { ApiError } from '../errors.js';
import { Emitter, op } from './emit.js';
import { GradContext } from './context.js';
import { gradientPath, layersAvoiding, ancestorsOf } from './path.js';
import { ruleFor } from './registry.js';
import { gateSegment } from './gate.js';
import { layerOffPath, unknownLayer, unsupportedOp } from './errors.js';

/** What to differentiate. */
export interface GradientRequest {
  /** The logits tensor (a [N, K] output, usually). */
  logits: string;
  /** Tensors whose activation and gradient the prepared model outputs. */
  layers: string[];
  /** Name of the seed input (default `gradcam_seed`). */
  seedName?: string;
  /** Guided Backprop (Springenberg et al. 2015): ReLU-family rules pass back only positive gradients. */
  guided?: boolean;
  /**
   * Layers (a subset of `layers`) whose plain gradient comes from a backward graph of its own, fed by its own
   * seed input {@link ownSeedName}, inside an If that runs it only when that seed has rows (gate.ts): a run
   * that does not need it feeds an empty seed [0, K] and pays nothing for it (onnxruntime runs every node
   * whatever the fetches). Used for the image input, whose backward pass is as long as the whole network.
   */
  ownSeed?: string[];
  /**
   * Layers (a subset of `layers`) that also get a Guided Backprop gradient, from a backward graph of its
   * own fed by the seed input {@link guidedSeedName}.
   */
  guidedLayers?: string[];
}

/** One layer of the prepared model. */
export interface PreparedLayer {
  name: string;
  activation: string;
  gradient: string;
  /** The seed input `gradient` is computed from. */
  seed: string;
  /** Output name of the Guided Backprop gradient, and its seed input, for layers in `guidedLayers`. */
  guidedGradient?: string;
  guidedSeed?: string;
  shape: Dim[];
}

/** Oldest ai.onnx opset the emitted backward ops are valid at (Slice with inputs, Mod). */
export const MIN_OPSET = 10;

const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16]);

/** Output name of a layer's activation. */
export const activationName = (layer: string): string => `gradcam_A:${layer}`;
/** Output name of a layer's gradient. */
export const gradientName = (layer: string): string => `gradcam_G:${layer}`;
/** Output name of a layer's Guided Backprop gradient. */
export const guidedGradientName = (layer: string): string => `gradcam_GG:${layer}`;
/** Seed input of a layer with a backward graph of its own. */
export const ownSeedName = (seed: string, layer: string): string => `${seed}:${layer}`;
/** Seed input of a layer's Guided Backprop graph. */
export const guidedSeedName = (seed: string, layer: string): string => `${seed}:guided:${layer}`;

/**
 * Add the backward graph. Returns a new model (the input model is not modified) whose inputs are the
 * original ones plus the seed [S, K], and whose outputs are the original ones, then A and G per layer.
 *
 * @example
 * const shapes = await probeShapes(model, nodeRunner());
 * const { model: prepared, layers } = addGradientGraph(model, shapes, { logits: 'logits', layers: ['/layer4/Relu_output_0'] });
 */
export function addGradientGraph(
  model: ModelProto,
  shapes: ShapeMap,
  request: GradientRequest,
): { model: ModelProto; layers: PreparedLayer[] } {
  const graph = model.graph!;
  const index = new GraphIndex(graph);
  const order = index.topologicalOrder();
  const seed = request.seedName ?? 'gradcam_seed';
  const known = allTensorNames(graph);
  if (!known.has(request.logits)) throw new ApiError(422, 'invalid_model', `The model has no logits tensor "${request.logits}".`);
  if (request.layers.length === 0) throw new ApiError(400, 'bad_option', 'Name at least one layer.');
  for (const l of request.layers)
    if (!known.has(l))
      throw unknownLayer(
        l,
        [...known].filter((n) => !index.initializers.has(n)),
      );
  if (known.has(seed)) throw new ApiError(422, 'invalid_model', `The model already has a tensor named "${seed}".`);

  const ancestors = ancestorsOf(order, request.logits);
  for (const l of request.layers) if (!ancestors.has(l)) throw layerOffPath(l, request.logits);
  const isDiff = (t: string): boolean => FLOAT_TYPES.has(shapes.get(t)?.elemType ?? DataType.FLOAT);
  const path = gradientPath(order, request.layers, request.logits, isDiff, ancestors);
  const supported = (n: NodeProto): boolean => !!ruleFor(n.opType, n.domain);
  const unsupported = path.nodes.find((n) => !supported(n));
  if (unsupported) throw unsupportedOp(unsupported, layersAvoiding(order, path, supported, request.logits, isDiff, unsupported));

  const opset = defaultOpset(model);
  if (opset < MIN_OPSET)
    throw new ApiError(
      422,
      'invalid_model',
      `The model uses ai.onnx opset ${opset}; the gradient graph needs opset ${MIN_OPSET} or newer. Re-export it (torch.onnx.export(..., opset_version=13+)).`,
    );
  const e = new Emitter(opset, known, seed);
  const copies = new Map<NodeProto, NodeProto>(path.nodes.map((n) => [n, onnx.NodeProto.create({ ...n, output: [...n.output] })]));
  const own = new Set(request.ownSeed ?? []);
  const guided = new Set(request.guidedLayers ?? []);
  for (const l of [...own, ...guided])
    if (!request.layers.includes(l)) throw new ApiError(400, 'bad_option', `Layer "${l}" (own seed or guided) is not among the layers.`);
  const seeds = [seed];
  const layers: PreparedLayer[] = request.layers.map((l) => ({
    name: l,
    activation: activationName(l),
    gradient: gradientName(l),
    seed: own.has(l) ? ownSeedName(seed, l) : seed,
    shape: shapeOf(shapes, l),
  }));
  const graphFor = (names: string[], seedInput: string, guidedRules: boolean): Contributions => {
    if (seedInput !== seed) {
      if (known.has(seedInput)) throw new ApiError(422, 'invalid_model', `The model already has a tensor named "${seedInput}".`);
      known.add(seedInput);
      seeds.push(seedInput);
    }
    e.useSeed(seedInput);
    const sub = gradientPath(order, names, request.logits, isDiff, ancestors);
    return backward(e, sub, copies, shapes, index, request.logits, seedInput, guidedRules);
  };
  const shared = request.layers.filter((l) => !own.has(l));
  const grads = new Map<string, string | undefined>();
  if (shared.length > 0) {
    const c = graphFor(shared, seed, request.guided ?? false);
    for (const l of shared) grads.set(gradientName(l), c.total(l));
  }
  const gradShape = (l: PreparedLayer) => l.shape.map((d) => (d === 'N' ? 'S' : d));
  const gated = (l: PreparedLayer, seedInput: string, out: string, guidedRules: boolean): void => {
    const start = e.nodes.length;
    const inner = graphFor([l.name], seedInput, guidedRules).total(l.name);
    if (!inner) throw new Error(`internal: no gradient reached layer "${l.name}"`);
    gateSegment(e, start, seedInput, [{ inner, outer: out, dims: gradShape(l) }]);
    grads.set(out, out);
  };
  for (const l of layers) {
    if (own.has(l.name)) gated(l, l.seed, l.gradient, request.guided ?? false);
    if (!guided.has(l.name)) continue;
    l.guidedGradient = guidedGradientName(l.name);
    l.guidedSeed = guidedSeedName(seed, l.name);
    gated(l, l.guidedSeed, l.guidedGradient, true);
  }

  const extraOutputs: ValueInfoProto[] = [];
  for (const l of layers) {
    e.nodes.push(makeNode('Identity', [l.name], [l.activation], {}, l.activation));
    extraOutputs.push(floatInfo(l.activation, l.shape));
    for (const out of [l.gradient, l.guidedGradient]) {
      if (!out) continue;
      const g = grads.get(out);
      if (!g) throw new Error(`internal: no gradient reached layer "${l.name}"`);
      if (g !== out) e.nodes.push(makeNode('Identity', [g], [out], {}, out));
      extraOutputs.push(floatInfo(out, gradShape(l)));
    }
  }
  const logitsShape = shapeOf(shapes, request.logits).map((d) => (d === 'N' ? 'S' : d));
  const newGraph = onnx.GraphProto.create({
    ...graph,
    node: [...graph.node.map((n) => copies.get(n) ?? n), ...e.nodes],
    initializer: [...graph.initializer, ...e.initializers],
    input: [...graph.input, ...seeds.map((name) => floatInfo(name, logitsShape))],
    output: [...graph.output, ...extraOutputs],
  });
  return { model: onnx.ModelProto.create({ ...model, graph: newGraph }), layers };
}

/** Gradient contributions per tensor, summed on demand (once). */
class Contributions {
  private readonly parts = new Map<string, string[]>();
  private readonly sums = new Map<string, string>();
  constructor(private readonly e: Emitter) {}

  add(tensor: string, grad: string): void {
    const list = this.parts.get(tensor) ?? [];
    list.push(grad);
    this.parts.set(tensor, list);
  }

  total(tensor: string): string | undefined {
    const cached = this.sums.get(tensor);
    if (cached) return cached;
    const list = this.parts.get(tensor);
    if (!list) return undefined;
    const sum = list.length === 1 ? list[0]! : op(this.e, list.length === 2 ? 'Add' : 'Sum', list);
    this.sums.set(tensor, sum);
    return sum;
  }
}

function backward(
  e: Emitter,
  path: ReturnType<typeof gradientPath>,
  copies: Map<NodeProto, NodeProto>,
  shapes: ShapeMap,
  index: GraphIndex,
  logits: string,
  seed: string,
  guided: boolean,
): Contributions {
  const grads = new Contributions(e);
  grads.add(logits, seed);
  for (let i = path.nodes.length - 1; i >= 0; i--) {
    const node = copies.get(path.nodes[i]!)!;
    const incoming = node.output.map((o) => (o ? grads.total(o) : undefined));
    if (incoming.every((g) => g === undefined)) continue;
    const ctx = new GradContext(node, e, shapes, index, path.tensors, incoming, guided);
    const dX = ruleFor(node.opType, node.domain)!(ctx);
    node.input.forEach((name, k) => {
      if (name && path.tensors.has(name) && dX[k]) grads.add(name, dX[k]!);
    });
  }
  return grads;
}

/** Every tensor name the graph uses (inputs, initializers, node outputs): what new tensors must avoid. */
export function allTensorNames(graph: onnx.IGraphProto): Set<string> {
  const names = new Set<string>();
  for (const v of graph.input ?? []) names.add(v.name!);
  for (const t of graph.initializer ?? []) names.add(t.name!);
  for (const n of graph.node ?? []) for (const o of n.output ?? []) if (o) names.add(o);
  return names;
}

function shapeOf(shapes: ShapeMap, name: string): Dim[] {
  const s = shapes.get(name);
  if (!s) throw new Error(`No shape recorded for tensor "${name}" (run probeShapes on this model).`);
  return s.dims;
}

function floatInfo(name: string, dims: (number | string)[]): ValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } });
}
