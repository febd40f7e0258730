/**
 * @module
 * The base of every CAM method, after pytorch-grad-cam's `BaseCAM`: a method either gives per-channel
 * weights w_c (the map is then ReLU(sum_c w_c A_c)) or overrides the whole map. Tensors are one image's
 * activation A and gradient G of the target layer, both C x h x w, row-major, as the prepared model outputs
 * them (src/manifest.ts). The result is the raw, unnormalised low-resolution map (h x w, after ReLU);
 * normalising, upsampling and colouring are the render pipeline's job.
 *
 * A few methods need more model runs than the one that gave A and G (Score-CAM's masked inputs, Smooth
 * Grad-CAM++'s noisy copies): they set `needsModel` and override {@link CamMethod.explain}, which receives a
 * {@link ModelAccess} that runs a batch of images through the prepared model.
 */

/** One image's activation and gradient at one layer. */
export interface CamInput {
  /** A, C x h x w. */
  activation: Float32Array;
  /** G = dS/dA for the target seed, C x h x w (absent for gradient-free methods). */
  gradient?: Float32Array;
  channels: number;
  height: number;
  width: number;
}

/** The result of one batch of extra images run through the prepared model, seeded with the explained class. */
export interface BatchRun {
  /** count x K logits. */
  logits: Float32Array;
  /** K. */
  classes: number;
  /** count x C x h x w gradients at the explained layer (only when asked for). */
  gradient?: Float32Array;
}

/** Extra model runs for methods that need them; the explain service builds it per request. */
export interface ModelAccess {
  /** The explained image's preprocessed input tensor, without the batch dimension. */
  readonly input: Float32Array;
  /** The input's layout and spatial size (the channel count is input.length / (height * width)). */
  readonly layout: 'NCHW' | 'NHWC';
  readonly inputHeight: number;
  readonly inputWidth: number;
  /** The explained class: every extra image gets a one-hot seed row of it. */
  readonly classIndex: number;
  /** Run `count` images (concatenated, each laid out like `input`) in as few batches as the model allows. */
  run(images: Float32Array, count: number, outputs: { gradient: boolean }): Promise<BatchRun>;
}

/** Per-request parameters of the methods that have some. */
export interface MethodParams {
  /** Smooth Grad-CAM++: the number of noisy copies. */
  n?: number;
  /** Smooth Grad-CAM++: the noise's standard deviation as a fraction of the input's range. */
  sigma?: number;
}

/** A CAM method. Subclasses override {@link CamMethod.channelWeights} or {@link CamMethod.combine}. */
export abstract class CamMethod {
  /** The method's name in the API (`method=`). */
  abstract readonly name: string;
  /** Whether the method reads G (gradient-free methods can skip the backward seed). */
  readonly needsGradient: boolean = true;
  /** Whether {@link CamMethod.explain} runs the model again (the explain service then passes a ModelAccess). */
  readonly needsModel: boolean = false;
  /**
   * Whether the map is ReLU(sum_k alpha_k A_k) with channel weights alpha_k computed from A and G alone (the
   * Grad-CAM family): {@link CamMethod.unitWeights} then gives them, for naming the units behind a map.
   */
  readonly hasChannelWeights: boolean = false;

  /** The name and parameters, as they enter cache keys (e.g. `smoothgradcam++(n=8,sigma=0.15)`). */
  get key(): string {
    return this.name;
  }

  /**
   * Images this method runs through the model per target and layer beyond the request's own run (for the
   * request's cost, known before running), given the layer's channel count; 0 unless {@link needsModel}.
   */
  extraImages(_channels: number): number {
    return 0;
  }

  /** This method with request parameters applied; methods without parameters return themselves. */
  withParams(_params: MethodParams): CamMethod {
    return this;
  }

  /** The raw map of one request; by default {@link CamMethod.map} of the explained image's A and G. */
  async explain(input: CamInput, _model?: ModelAccess): Promise<Float32Array> {
    return this.map(input);
  }

  /** The raw map: ReLU of {@link CamMethod.combine}, h x w. */
  map(input: CamInput): Float32Array {
    checkShapes(input, this.needsGradient);
    return relu(this.combine(input));
  }

  /** The channel weights alpha_k of a method with {@link CamMethod.hasChannelWeights}, else undefined. */
  unitWeights(input: CamInput): Float64Array | undefined {
    return this.hasChannelWeights ? this.channelWeights(input) : undefined;
  }

  /** The map before ReLU; by default sum_c w_c A_c with w from {@link CamMethod.channelWeights}. */
  protected combine(input: CamInput): Float32Array {
    return weightedSum(input, this.channelWeights(input));
  }

  /** Per-channel weights w_c (length C). Methods that override `combine` need not implement it. */
  protected channelWeights(_input: CamInput): Float64Array {
    throw new Error(`${this.name}: channelWeights not implemented`);
  }
}

function checkShapes(input: CamInput, needsGradient: boolean): void {
  const size = input.channels * input.height * input.width;
  if (input.activation.length !== size) throw new Error(`activation has ${input.activation.length} values, expected ${size}`);
  if (needsGradient && input.gradient?.length !== size)
    throw new Error(`gradient has ${input.gradient?.length ?? 0} values, expected ${size}`);
}

/** max(x, 0) in place (NaN becomes 0). */
export function relu(map: Float32Array): Float32Array {
  for (let i = 0; i < map.length; i++) if (!(map[i] > 0)) map[i] = 0;
  return map;
}

/** sum_c w_c A_c over channels (accumulated in float64), h x w. */
export function weightedSum(input: CamInput, weights: Float64Array): Float32Array {
  const plane = input.height * input.width;
  const acc = new Float64Array(plane);
  for (let c = 0; c < input.channels; c++) {
    const w = weights[c];
    if (w === 0) continue;
    const base = c * plane;
    for (let i = 0; i < plane; i++) acc[i] += w * input.activation[base + i];
  }
  return Float32Array.from(acc);
}

/** The spatial mean of each channel of `t` (C x h x w), in float64. */
export function spatialMean(t: Float32Array, channels: number, plane: number): Float64Array {
  const out = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    let s = 0;
    for (let i = c * plane; i < (c + 1) * plane; i++) s += t[i];
    out[c] = s / plane;
  }
  return out;
}
