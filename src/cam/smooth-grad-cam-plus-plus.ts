/**
 * @module
 * Smooth Grad-CAM++ (Omeiza et al. 2019, arXiv:1908.01224, eq. 9-11): Grad-CAM++ whose gradient powers are
 * averaged over n copies of the input with Gaussian noise (SmoothGrad's noise, Smilkov et al. 2017: std =
 * sigma x (max - min of the input tensor)): D_k = mean over copies of G^k (k = 1, 2, 3);
 * alpha = D2 / (2 D2 + (sum_ij A_c) D3 + 1e-6), alpha = 0 where D2 = 0; w_c = sum_ij alpha ReLU(D1);
 * map = ReLU(sum_c w_c A_c) with A of the clean image. The n copies run as one batch (N images, N seed
 * rows); the noise is seeded (noise.ts), so the map is reproducible.
 */
import { CamMethod, type CamInput, type MethodParams, type ModelAccess, relu, weightedSum } from './base.js';
import { plusPlusWeights } from './grad-cam-plus-plus.js';
import { gaussianNoise, NOISE_SEED } from './noise.js';

/** Default number of noisy copies. */
export const DEFAULT_NOISY_COPIES = 8;
/**
 * The largest number of noisy copies: the copies are one batch, and src/explain/model-feed.ts sends at
 * most 16 images per run (MAX_BATCH; the default model's WASM memory: 40 MB at 16 images, 61 MB at 32).
 */
export const MAX_NOISY_COPIES = 16;
/** Default noise std, as a fraction of the input tensor's range. */
export const DEFAULT_NOISE_SIGMA = 0.15;

/**
 * n noisy copies of `input` (concatenated), copy i = input + sigma (max - min) z_i, z from
 * {@link gaussianNoise} with {@link NOISE_SEED}, rounded to float32.
 */
export function noisyCopies(input: Float32Array, n: number, sigma: number): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of input) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const std = sigma * (hi - lo);
  const z = gaussianNoise(n * input.length, NOISE_SEED);
  const out = new Float32Array(z.length);
  for (let i = 0; i < z.length; i++) out[i] = input[i % input.length] + std * z[i];
  return out;
}

/** The map from the clean activation and the n noisy copies' gradients (n x C x h x w), before ReLU. */
export function smoothPlusPlusCam(input: CamInput, gradients: Float32Array, n: number): Float32Array {
  const size = input.activation.length;
  const d1 = new Float64Array(size);
  const d2 = new Float64Array(size);
  const d3 = new Float64Array(size);
  for (let k = 0; k < n; k++) {
    for (let i = 0, j = k * size; i < size; i++, j++) {
      const g = gradients[j];
      d1[i] += g;
      d2[i] += g * g;
      d3[i] += g * g * g;
    }
  }
  for (let i = 0; i < size; i++) {
    d1[i] /= n;
    d2[i] /= n;
    d3[i] /= n;
  }
  return weightedSum(input, plusPlusWeights(input.activation, [d1, d2, d3], input.channels, input.height * input.width));
}

/** Smooth Grad-CAM++ with `n` copies and noise level `sigma`. */
export class SmoothGradCamPlusPlus extends CamMethod {
  readonly name = 'smoothgradcam++';
  override readonly needsModel = true;

  constructor(
    readonly n = DEFAULT_NOISY_COPIES,
    readonly sigma = DEFAULT_NOISE_SIGMA,
  ) {
    super();
  }

  override get key(): string {
    return `${this.name}(n=${this.n},sigma=${this.sigma})`;
  }

  override withParams(params: MethodParams): CamMethod {
    return new SmoothGradCamPlusPlus(params.n ?? DEFAULT_NOISY_COPIES, params.sigma ?? DEFAULT_NOISE_SIGMA);
  }

  /** The n noisy copies. */
  override extraImages(): number {
    return this.n;
  }

  override async explain(input: CamInput, model?: ModelAccess): Promise<Float32Array> {
    if (!model) throw new Error(`${this.name} needs model runs`);
    const { gradient } = await model.run(noisyCopies(model.input, this.n, this.sigma), this.n, { gradient: true });
    return relu(smoothPlusPlusCam(input, gradient!, this.n));
  }

  /** Without model runs: the n = 1, sigma = 0 case, which is Grad-CAM++ of the image's own gradient. */
  protected override combine(input: CamInput): Float32Array {
    return smoothPlusPlusCam(input, input.gradient!, 1);
  }
}
