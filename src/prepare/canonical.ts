/**
 * @module
 * Canonical NCHW outputs: inside the prepared graph, every explained layer's activation and gradient
 * outputs (`gradcam_A:<layer>`, `gradcam_G:<layer>`) are brought to [N, C, h, w] whatever the layer's
 * layout, so every CAM method, fusion, flip, metric and renderer works on NCHW unchanged:
 * - channels-last [N, h, w, C]: Transpose(0, 3, 1, 2);
 * - tokens [N, P + h * w, C]: Slice off the P prefix tokens, Reshape to [N, h, w, C], Transpose(0, 3, 1, 2)
 *   (the reshape transform of pytorch-grad-cam's ViT tutorial).
 * The layer's own tensor in the graph is unchanged; only the two extra outputs are re-routed.
 */
import { onnx, defaultOpset, type ModelProto } from '../onnx/proto.js';
import { Emitter, op, slice, constI } from '../gradients/emit.js';
import { allTensorNames, type PreparedLayer } from '../gradients/graph.js';
import type { Dim } from '../onnx/shapes.js';
import type { LayerLayout } from './layout.js';

/** The [N, C, h, w] shape of a layer of source shape `dims` in `layout`. */
export function canonicalShape(dims: readonly Dim[], layout: LayerLayout): Dim[] {
  const channels = layout.kind === 'nchw' ? dims[1]! : dims[dims.length - 1]!;
  return [dims[0]!, channels, layout.grid[0], layout.grid[1]];
}

/** Emit the nodes that turn `x` (one layer's tensor in `layout`) into NCHW; returns the result's name. */
function toNchw(e: Emitter, x: string, layout: LayerLayout, channels: number): string {
  if (layout.kind === 'nhwc') return op(e, 'Transpose', [x], { perm: [0, 3, 1, 2] });
  const prefix = layout.prefixTokens ?? 0;
  const patches = prefix > 0 ? slice(e, x, [prefix], [prefix + layout.grid[0] * layout.grid[1]], [1]) : x;
  const grid = op(e, 'Reshape', [patches, constI(e, [0, layout.grid[0], layout.grid[1], channels])]);
  return op(e, 'Transpose', [grid], { perm: [0, 3, 1, 2] });
}

/**
 * Re-route the A and G outputs of the layers whose layout is not NCHW through {@link toNchw}, in place,
 * and set their declared output shapes. `layouts` maps a layer name to its layout (absent: NCHW or the
 * image input, left alone). Returns the layers with their canonical shapes.
 *
 * @example
 * const layers = canonicalOutputs(prepared.model, prepared.layers, new Map([[name, { kind: 'tokens', prefixTokens: 1, grid: [14, 14] }]]));
 */
export function canonicalOutputs(
  model: ModelProto,
  layers: readonly PreparedLayer[],
  layouts: ReadonlyMap<string, LayerLayout>,
): PreparedLayer[] {
  const graph = model.graph!;
  const e = new Emitter(defaultOpset(model), allTensorNames(graph), graph.input[0]!.name);
  const result = layers.map((l) => {
    const layout = layouts.get(l.name);
    if (!layout || layout.kind === 'nchw') return l;
    const shape = canonicalShape(l.shape, layout);
    for (const out of [l.activation, l.gradient, l.guidedGradient]) {
      if (!out) continue;
      const producer = graph.node.find((n) => n.output.includes(out))!;
      const source = e.fresh('source_layout');
      producer.output = producer.output.map((o) => (o === out ? source : o));
      const nchw = toNchw(e, source, layout, shape[1] as number);
      e.nodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [nchw], output: [out], name: e.fresh('nchw') }));
      const info = graph.output.find((v) => v.name === out)!;
      const batch = info.type!.tensorType!.shape!.dim![0]!;
      info.type!.tensorType!.shape!.dim = [
        batch,
        ...shape.slice(1).map((d) => onnx.TensorShapeProto.Dimension.create({ dimValue: d as number })),
      ];
    }
    return { ...l, shape };
  });
  graph.node.push(...e.nodes);
  graph.initializer.push(...e.initializers);
  return result;
}
