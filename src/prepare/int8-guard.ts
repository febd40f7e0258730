/**
 * @module
 * The accuracy check of an int8 trunk: Grad-CAM maps of the quantized model against the float one on the
 * calibration images (each at its float top-1 class, every explained layer). prepare keeps the last convs
 * before the explained layers in float, one more at a time, until the smallest map correlation reaches
 * {@link MIN_MAP_CORRELATION}: quantization error is largest where it reaches A with the fewest ops after it.
 */
import { DataType, type ModelProto } from '../onnx/proto.js';
import { activationName, gradientName } from '../gradients/graph.js';
import type { ModelRunner, ModelSession, RunTensor } from '../runtime/runner.js';
import { mapCorrelation } from '../quality/rank-correlation.js';

/** The smallest Pearson r of Grad-CAM maps (int8 trunk vs float) that prepare accepts. */
export const MIN_MAP_CORRELATION = 0.99;

/** ReLU(sum_c mean(G_c) A_c) of one image. */
function gradCam(a: Float32Array, g: Float32Array, dims: readonly number[]): Float64Array {
  const [, c, h, w] = dims as [number, number, number, number];
  const plane = h * w;
  const map = new Float64Array(plane);
  for (let ch = 0; ch < c; ch++) {
    let mean = 0;
    for (let i = 0; i < plane; i++) mean += g[ch * plane + i]!;
    mean /= plane;
    for (let i = 0; i < plane; i++) map[i] += mean * a[ch * plane + i]!;
  }
  return map.map((v) => Math.max(v, 0));
}

/** Feeds for every input of a prepared model: the image, a one-hot shared seed, empty other seeds, k = 0. */
function feedsFor(
  model: ModelProto,
  input: string,
  seed: string,
  image: RunTensor,
  classes: number,
  cls: number,
): Record<string, RunTensor> {
  const feeds: Record<string, RunTensor> = { [input]: image };
  const inits = new Set(model.graph!.initializer.map((t) => t.name));
  for (const v of model.graph!.input) {
    if (v.name === input || inits.has(v.name)) continue;
    if (v.type?.tensorType?.elemType === DataType.INT64) feeds[v.name] = { type: 'int64', dims: [1], data: new BigInt64Array(1) };
    else if (v.name === seed)
      feeds[v.name] = { type: 'float32', dims: [1, classes], data: Float32Array.from({ length: classes }, (_, i) => (i === cls ? 1 : 0)) };
    else feeds[v.name] = { type: 'float32', dims: [0, classes], data: new Float32Array(0) };
  }
  return feeds;
}

/**
 * The smallest Grad-CAM map correlation between `candidate` and `reference` (both prepared models) over
 * `images` and `layers`.
 */
export async function minMapCorrelation(
  reference: { model: ModelProto; session: ModelSession },
  candidate: ModelSession,
  images: readonly RunTensor[],
  io: { input: string; seed: string; logits: string; classes: number; layers: readonly string[] },
): Promise<number> {
  let min = 1;
  for (const image of images) {
    const probe = await reference.session.run(feedsFor(reference.model, io.input, io.seed, image, io.classes, 0), [io.logits]);
    const logits = probe[io.logits]!.data as Float32Array;
    let top = 0;
    for (let k = 1; k < io.classes; k++) if (logits[k]! > logits[top]!) top = k;
    const feeds = feedsFor(reference.model, io.input, io.seed, image, io.classes, top);
    const fetches = io.layers.flatMap((l) => [activationName(l), gradientName(l)]);
    const [ref, cand] = [await reference.session.run(feeds, fetches), await candidate.run(feeds, fetches)];
    for (const l of io.layers) {
      const map = (o: Record<string, RunTensor>) =>
        gradCam(o[activationName(l)]!.data as Float32Array, o[gradientName(l)]!.data as Float32Array, o[activationName(l)]!.dims);
      min = Math.min(min, mapCorrelation(map(ref), map(cand)));
    }
  }
  return min;
}

export type { ModelRunner };
