/**
 * @module
 * Score-CAM (Wang et al. 2020, arXiv:1910.01279, eq. 3-6, with pytorch-grad-cam's choices): each channel
 * of A, upsampled to the input size (bilinear, aligned corners) and min-max scaled to [0, 1]
 * ((x - min) / (max - min + 1e-8)), masks the input tensor; the masked inputs' target logits, softmaxed
 * over channels, are the channel weights; map = ReLU(sum_c w_c A_c). Forward passes only, in batches.
 *
 * The cap: a model may have over a thousand channels at the layer (1280 for the default model), one
 * forward each. Only the {@link SCORECAM_MAX_CHANNELS} channels with the largest spatial mean activation are
 * scored; the others get weight 0 (the softmax runs over the scored ones). With C <= the cap the result is
 * exactly pytorch-grad-cam's. docs/methods.md gives the measured cost.
 */
import { CamMethod, relu, type CamInput, type ModelAccess, weightedSum } from './base.js';
import { upsampleAlignCorners } from './upsample.js';

/** The most channels scored per request (forward passes); see the module comment. */
export const SCORECAM_MAX_CHANNELS = 32;
/** The epsilon of the mask's min-max scaling (pytorch-grad-cam `score_cam.py`). */
export const SCORECAM_EPS = 1e-8;

/** The `cap` channels with the largest spatial mean activation, in decreasing order (ties: lower index). */
export function topChannels(input: CamInput, cap: number): number[] {
  const plane = input.height * input.width;
  const means = Array.from({ length: input.channels }, (_, c) => {
    let s = 0;
    for (let i = c * plane; i < (c + 1) * plane; i++) s += input.activation[i];
    return s / plane;
  });
  return means
    .map((_, c) => c)
    .sort((a, b) => means[b] - means[a] || a - b)
    .slice(0, cap);
}

/** Channel `c` upsampled to the input size and scaled to [0, 1]: the mask, H x W. */
export function channelMask(input: CamInput, c: number, outH: number, outW: number): Float64Array {
  const plane = input.height * input.width;
  const up = upsampleAlignCorners(input.activation.subarray(c * plane, (c + 1) * plane), input.height, input.width, outH, outW);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of up) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const range = hi - lo + SCORECAM_EPS;
  for (let i = 0; i < up.length; i++) up[i] = (up[i] - lo) / range;
  return up;
}

/** The masked inputs of `channels` (concatenated, each laid out like `model.input`). */
export function maskedInputs(input: CamInput, channels: number[], model: ModelAccess): Float32Array {
  const size = model.input.length;
  const pixels = model.inputHeight * model.inputWidth;
  const depth = size / pixels;
  const out = new Float32Array(channels.length * size);
  channels.forEach((c, k) => {
    const mask = channelMask(input, c, model.inputHeight, model.inputWidth);
    const base = k * size;
    for (let d = 0; d < depth; d++) {
      for (let p = 0; p < pixels; p++) {
        const i = model.layout === 'NCHW' ? d * pixels + p : p * depth + d;
        out[base + i] = model.input[i] * mask[p];
      }
    }
  });
  return out;
}

/** Channel weights (length C): softmax of the scores over `channels`, 0 elsewhere. */
export function scoreWeights(scores: ArrayLike<number>, channels: number[], total: number): Float64Array {
  const max = Math.max(...Array.from(scores));
  const exp = Array.from(scores, (s) => Math.exp(s - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  const weights = new Float64Array(total);
  channels.forEach((c, k) => (weights[c] = exp[k] / sum));
  return weights;
}

/** Score-CAM over at most `cap` channels. */
export class ScoreCam extends CamMethod {
  readonly name = 'scorecam';
  override readonly needsGradient = false;
  override readonly needsModel = true;

  constructor(readonly cap = SCORECAM_MAX_CHANNELS) {
    super();
  }

  /** One masked image per explained channel: at most {@link ScoreCam.cap}. */
  override extraImages(channels: number): number {
    return Math.min(channels, this.cap);
  }

  override async explain(input: CamInput, model?: ModelAccess): Promise<Float32Array> {
    if (!model) throw new Error(`${this.name} needs model runs`);
    const channels = topChannels(input, this.cap);
    const { logits, classes } = await model.run(maskedInputs(input, channels, model), channels.length, { gradient: false });
    const scores = channels.map((_, k) => logits[k * classes + model.classIndex]);
    return relu(weightedSum(input, scoreWeights(scores, channels, input.channels)));
  }
}
