/**
 * @module
 * The maps the benchmark compares, all as the service renders them (src/image unitMap: min-max scaled,
 * OpenCV-bilinear upsampled to the input size, values in [0, 1)):
 * - every method of the CAM registry on the default layer's A and G;
 * - the attention methods (src/attention: rollout, attention-gradcam) on every block's attention
 *   probabilities and their gradients, when the model was prepared with `--attention` (attention-gradcam only
 *   with `--attention gradients`); their map is the class token's row over the patch grid, rendered like a CAM;
 * - the pixel-level methods of the API (src/pixel-methods) when a model with the image input as a layer is
 *   at hand: `smoothgrad` (saliency averaged over noisy copies) and `guided-gradcam` (the Grad-CAM row's map
 *   times max_c |Guided Backprop dS/dx|), computed with the service's own functions at the input's
 *   resolution (no upsampling), then scaled to [0, 1) like every other map;
 * - baselines: a centred Gaussian prior (sigma a quarter of the side), a seeded uniform random map drawn at
 *   the CAM's resolution and upsampled like a CAM, and the raw input gradient, which is the API's
 *   `saliency` method (Simonyan et al. 2014: max over channels of |dS/dx|), when the model has the image
 *   input as a layer.
 */
import { attentionMethod, ATTENTION_METHODS } from '../../src/attention/registry.js';
import type { AttentionBlock } from '../../src/attention/blocks.js';
import { camMethod, METHOD_NAMES, type ModelAccess } from '../../src/cam/registry.js';
import type { Manifest } from '../../src/manifest.js';
import { unitMap } from '../../src/image/index.js';
import { guidedGradCamMap, saliencyMap as pixelSaliency, smoothGradMap } from '../../src/pixel-methods/index.js';
import { createRng } from '../../src/scenes/prng.js';
import type { FloatMap } from '../../src/quality/index.js';
import type { Explained } from './prepared-model.js';

/**
 * Names of the baseline rows. The input-gradient baseline is the API's method=saliency (the same map, by
 * the same function); its row says so.
 */
export const BASELINES = {
  gaussian: 'baseline: centred Gaussian',
  random: 'baseline: random map',
  saliency: 'baseline: input gradient (method=saliency)',
} as const;

/** Names of the pixel-level method rows: the API's method names. */
export const PIXEL_ROWS = { smoothgrad: 'smoothgrad', guided: 'guided-gradcam' } as const;

/** Colour channels of the model input (the benchmark's scenes are RGB, NCHW). */
const INPUT_CHANNELS = 3;

/** Geometry of one explained layer and of the input. */
export interface MapGeometry {
  channels: number;
  height: number;
  width: number;
  /** Side of the (square) input. */
  size: number;
}

/**
 * The registry methods' maps for image `i` of an explanation batch, by method name. Methods that run the
 * model again (`needsModel`) are included only when `access` is given; methods that throw are left out and
 * their message recorded in `failures`.
 */
export async function methodMaps(
  e: Explained,
  i: number,
  g: MapGeometry,
  failures: Map<string, string>,
  access?: ModelAccess,
): Promise<Map<string, FloatMap>> {
  const plane = g.channels * g.height * g.width;
  const input = {
    activation: e.activation.subarray(i * plane, (i + 1) * plane),
    gradient: e.gradient.subarray(i * plane, (i + 1) * plane),
    channels: g.channels,
    height: g.height,
    width: g.width,
  };
  const out = new Map<string, FloatMap>();
  for (const name of METHOD_NAMES) {
    const method = camMethod(name)!;
    if (method.needsModel && !access) continue;
    try {
      const raw = await method.explain(input, access);
      out.set(name, unitMap([{ width: g.width, height: g.height, data: raw }], g.size, g.size));
    } catch (err) {
      if (!failures.has(name)) failures.set(name, (err as Error).message);
    }
  }
  return out;
}

/**
 * The attention methods' maps for image `i` of an explanation batch (default parameters: rollout with mean
 * fusion and nothing discarded), by method name, as the service computes them (src/explain/compute.ts
 * attentionMap) and rendered like a CAM. Empty when the batch has no attention outputs; attention-gradcam
 * is left out when it has no attention gradients.
 */
export function attentionMaps(
  e: Explained,
  i: number,
  spec: NonNullable<Manifest['attention']>,
  size: number,
  failures: Map<string, string>,
): Map<string, FloatMap> {
  const out = new Map<string, FloatMap>();
  if (!e.attention) return out;
  const { probabilities, gradients } = e.attention;
  const blocks: AttentionBlock[] = spec.blocks.map((b, k) => {
    const per = b.heads * b.tokens * b.tokens;
    return {
      probabilities: probabilities[k]!.subarray(i * per, (i + 1) * per),
      gradient: gradients ? gradients[k]!.subarray(i * per, (i + 1) * per) : undefined,
      heads: b.heads,
      tokens: b.tokens,
    };
  });
  for (const name of ATTENTION_METHODS) {
    const method = attentionMethod(name)!;
    if (method.needsGradient && !gradients) continue;
    try {
      const data = method.map(blocks, spec.prefixTokens, {});
      out.set(name, unitMap([{ width: spec.grid[1], height: spec.grid[0], data }], size, size));
    } catch (err) {
      if (!failures.has(name)) failures.set(name, (err as Error).message);
    }
  }
  return out;
}

/** Names of the registry methods that run the model again (evaluated on fewer scenes). */
export function modelMethodNames(): string[] {
  return METHOD_NAMES.filter((n) => camMethod(n)!.needsModel);
}

let gaussianCache: FloatMap | undefined;

/** A centred isotropic Gaussian with sigma = side / 4, scaled to a maximum of 1. */
export function gaussianPrior(size: number): FloatMap {
  if (gaussianCache?.width === size) return gaussianCache;
  const data = new Float32Array(size * size),
    c = (size - 1) / 2,
    s2 = 2 * (size / 4) ** 2;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[y * size + x] = Math.exp(-((x - c) ** 2 + (y - c) ** 2) / s2);
  return (gaussianCache = { width: size, height: size, data });
}

/** Uniform noise on the CAM's h x w grid seeded by `seed`, rendered like a CAM. */
export function randomMap(seed: number, g: MapGeometry): FloatMap {
  const rng = createRng(seed ^ 0x5eed);
  const data = Float32Array.from({ length: g.height * g.width }, () => rng.next());
  return unitMap([{ width: g.width, height: g.height, data }], g.size, g.size);
}

/** Image i's slice of a batch of input-sized tensors (count x 3 x size x size). */
function imageSlice(batch: Float32Array, i: number, size: number): Float32Array {
  const per = INPUT_CHANNELS * size * size;
  return batch.subarray(i * per, (i + 1) * per);
}

/** A map at the input's resolution, scaled to [0, 1) as the service renders it (no resize at this size). */
function inputMap(data: Float32Array, size: number): FloatMap {
  return unitMap([{ width: size, height: size, data }], size, size);
}

/** Saliency of image i of a batch: max_c |dS/dx_c| (src/pixel-methods saliencyMap), scaled to [0, 1). */
export function saliencyMap(inputGradient: Float32Array, i: number, size: number): FloatMap {
  return inputMap(pixelSaliency(imageSlice(inputGradient, i, size), INPUT_CHANNELS, size, size), size);
}

/**
 * SmoothGrad of one image from the input gradients of its n noisy copies (n x 3 x size x size, src/pixel-methods
 * smoothGradMap: the mean of their saliency maps), scaled to [0, 1).
 */
export function smoothGradBenchMap(gradients: Float32Array, n: number, size: number): FloatMap {
  return inputMap(smoothGradMap(gradients, n, INPUT_CHANNELS, size, size), size);
}

/**
 * Guided Grad-CAM of image i of a batch (src/pixel-methods guidedGradCamMap): `gradcam`, the Grad-CAM row's
 * map (already scaled to [0, 1) at the input size, as the service's combineMaps gives it), times max_c
 * |guided dS/dx_c|, scaled to [0, 1).
 */
export function guidedGradCamBenchMap(gradcam: FloatMap, guidedGradient: Float32Array, i: number, size: number): FloatMap {
  if (gradcam.width !== size || gradcam.height !== size)
    throw new Error(`the Grad-CAM map is ${gradcam.width} x ${gradcam.height}, expected ${size} x ${size}`);
  return inputMap(guidedGradCamMap(gradcam, imageSlice(guidedGradient, i, size), INPUT_CHANNELS), size);
}
