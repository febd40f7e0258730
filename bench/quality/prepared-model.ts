/**
 * @module
 * A prepared model (src/manifest.ts) as the benchmark uses it: explanation runs (N images, N one-hot seed
 * rows: logits plus A and G of the default layer, and the image input's plain and Guided Backprop gradients
 * when the model has the input as a layer; every attention block's probabilities and their gradients when it
 * was prepared with `--attention`), SmoothGrad's input-gradient batches (the service's
 * ModelFeed.batchInputGradients) and plain forward runs returning class probabilities, all batched, through
 * the service's ModelFeed (src/explain/model-feed.ts). The input's own seed inputs get the seed rows only when
 * their gradient is fetched, else the feed's empty [0, K] seed: their gated backward graphs then cost nothing.
 */
import type { LayerSpec, Manifest } from '../../src/manifest.js';
import type { ModelRunner, ModelSession, RunTensor } from '../../src/runtime/runner.js';
import type { BatchRun, ModelAccess } from '../../src/cam/registry.js';
import { softmaxRows, type Forward } from '../../src/quality/index.js';
import { ModelFeed } from '../../src/explain/model-feed.js';

/** One batch of explanation outputs; image i's tensors are the i-th slices. */
export interface Explained {
  count: number;
  logits: Float32Array;
  /** Default layer: A and G, each count x C x h x w. */
  activation: Float32Array;
  gradient: Float32Array;
  /** dS/dx (count x 3 x H x W) when the model has the image input as a layer. */
  inputGradient?: Float32Array;
  /** The Guided Backprop dS/dx (count x 3 x H x W) when the input layer has one and it was asked for. */
  guidedGradient?: Float32Array;
  /**
   * Per attention block (manifest `attention` order): the probabilities (count x heads x T x T) and, when the
   * model has them, their gradients for each image's seed row (same shape).
   */
  attention?: { probabilities: Float32Array[]; gradients?: Float32Array[] };
}

/** Which input gradients an explanation run fetches (each only when the model has it). */
export interface InputGradients {
  plain: boolean;
  guided: boolean;
  /** Also the attention probabilities and gradients (default: when the manifest has them). */
  attention?: boolean;
}

/** A loaded prepared model. */
export class PreparedModel {
  readonly layer: LayerSpec;
  readonly inputLayer: LayerSpec | undefined;
  readonly classes: number;
  /** [C, h, w] of the default layer. */
  readonly layerShape: [number, number, number];
  /** 3 * H * W: floats per input image. */
  readonly inputSize: number;
  /** Images run so far: with the gradient outputs, and forward only. */
  readonly counts = { explained: 0, forward: 0 };

  private readonly feed: ModelFeed;

  private constructor(
    private readonly session: ModelSession,
    readonly manifest: Manifest,
    private readonly batch: number,
  ) {
    this.feed = new ModelFeed(session, manifest, { batchLimit: batch });
    this.layer = manifest.layers.find((l) => l.default) ?? manifest.layers[0]!;
    this.inputLayer = manifest.layers.find((l) => (l as LayerSpec & { input?: boolean }).input || l.name === manifest.input.name);
    this.classes = Number(manifest.seed.shape[1]);
    const [, c, h, w] = this.layer.shape.map(Number);
    this.layerShape = [c!, h!, w!];
    const [, a, b, d] = manifest.input.shape.map(Number);
    this.inputSize = a! * b! * d!;
  }

  /** Loads a prepared model with its manifest; runs at most `batch` images per call. */
  static async load(runner: ModelRunner, bytes: Uint8Array, manifest: Manifest, batch = 16): Promise<PreparedModel> {
    if (manifest.input.layout !== 'NCHW') throw new Error('the quality benchmark expects an NCHW model');
    return new PreparedModel(await runner.createSession(bytes), manifest, batch);
  }

  /** Whether the input layer has a Guided Backprop gradient (prepare --input-gradients or --guided). */
  get hasGuided(): boolean {
    return !!(this.inputLayer?.guidedGradient && this.inputLayer.guidedSeed);
  }

  /**
   * The image, `seeds` on the shared seed and on the input's own seed inputs of the gradients in `want`;
   * every other own seed input empty (its gated backward graph is skipped).
   */
  private feeds(
    images: Float32Array,
    count: number,
    seeds: Float32Array,
    want: InputGradients = { plain: false, guided: false },
  ): Record<string, RunTensor> {
    const [, c, h, w] = this.manifest.input.shape.map(Number);
    const rows: RunTensor = { type: 'float32', dims: [count, this.classes], data: seeds };
    const feeds: Record<string, RunTensor> = {
      [this.manifest.input.name]: { type: 'float32', dims: [count, c!, h!, w!], data: images },
      [this.manifest.seed.name]: rows,
    };
    const il = this.inputLayer;
    if (il && want.plain) feeds[il.seed ?? this.manifest.seed.name] = rows;
    if (il && want.guided && this.hasGuided) feeds[il.guidedSeed!] = rows;
    return feeds;
  }

  /** Explains class `classes[i]` of image i (images back to back), in batches; `want` picks the input gradients. */
  async explain(
    images: Float32Array,
    classes: readonly number[],
    want: InputGradients = { plain: true, guided: true },
  ): Promise<Explained> {
    const n = classes.length,
      [c, h, w] = this.layerShape,
      plane = c * h * w;
    const inputLayer = want.plain ? this.inputLayer : undefined;
    const guided = want.guided && this.hasGuided ? this.inputLayer!.guidedGradient! : undefined;
    const blocks = want.attention === false ? [] : (this.manifest.attention?.blocks ?? []);
    const blockSize = (b: (typeof blocks)[number]) => b.heads * b.tokens * b.tokens;
    const withGradients = blocks.length > 0 && blocks.every((b) => b.gradient);
    const out: Explained = {
      count: n,
      logits: new Float32Array(n * this.classes),
      activation: new Float32Array(n * plane),
      gradient: new Float32Array(n * plane),
      inputGradient: inputLayer ? new Float32Array(n * this.inputSize) : undefined,
      guidedGradient: guided ? new Float32Array(n * this.inputSize) : undefined,
      attention: blocks.length
        ? {
            probabilities: blocks.map((b) => new Float32Array(n * blockSize(b))),
            gradients: withGradients ? blocks.map((b) => new Float32Array(n * blockSize(b))) : undefined,
          }
        : undefined,
    };
    const fetches = [
      this.manifest.logits.name,
      this.layer.activation,
      this.layer.gradient,
      ...(inputLayer ? [inputLayer.gradient] : []),
      ...(guided ? [guided] : []),
      ...blocks.flatMap((b) => (withGradients ? [b.probabilities, b.gradient!] : [b.probabilities])),
    ];
    for (let s = 0; s < n; s += this.batch) {
      const m = Math.min(this.batch, n - s);
      const seeds = new Float32Array(m * this.classes);
      for (let i = 0; i < m; i++) seeds[i * this.classes + classes[s + i]!] = 1;
      const r = await this.feed.run(
        this.feeds(images.subarray(s * this.inputSize, (s + m) * this.inputSize), m, seeds, { plain: !!inputLayer, guided: !!guided }),
        fetches,
      );
      this.counts.explained += m;
      out.logits.set(r[this.manifest.logits.name]!.data as Float32Array, s * this.classes);
      out.activation.set(r[this.layer.activation]!.data as Float32Array, s * plane);
      out.gradient.set(r[this.layer.gradient]!.data as Float32Array, s * plane);
      if (inputLayer) out.inputGradient!.set(r[inputLayer.gradient]!.data as Float32Array, s * this.inputSize);
      if (guided) out.guidedGradient!.set(r[guided]!.data as Float32Array, s * this.inputSize);
      blocks.forEach((b, k) => {
        out.attention!.probabilities[k]!.set(r[b.probabilities]!.data as Float32Array, s * blockSize(b));
        if (withGradients) out.attention!.gradients![k]!.set(r[b.gradient!]!.data as Float32Array, s * blockSize(b));
      });
    }
    return out;
  }

  /**
   * dS/dx of `count` images (back to back), all seeded with class `classIndex` (SmoothGrad's noisy copies),
   * through the service's own ModelFeed.batchInputGradients (src/explain/model-feed.ts).
   */
  async inputGradients(images: Float32Array, count: number, classIndex: number): Promise<Float32Array> {
    if (!this.inputLayer) throw new Error('the model has no input layer (prepare --input-gradients)');
    const seed = new Float32Array(this.classes);
    seed[classIndex] = 1;
    const { gradients } = await this.feed.batchInputGradients(this.inputLayer, images, count, seed);
    this.counts.explained += count;
    return gradients;
  }

  /** Class probabilities of `count` images, in batches (the {@link Forward} of the metrics). */
  readonly forward: Forward = async (images, count) => {
    const probs = new Float32Array(count * this.classes);
    for (let s = 0; s < count; s += this.batch) {
      const m = Math.min(this.batch, count - s);
      const r = await this.feed.run(
        this.feeds(images.subarray(s * this.inputSize, (s + m) * this.inputSize), m, new Float32Array(m * this.classes)),
        [this.manifest.logits.name],
      );
      probs.set(softmaxRows(r[this.manifest.logits.name]!.data as Float32Array, m), s * this.classes);
      this.counts.forward += m;
    }
    return probs;
  };

  /** Extra runs for the CAM methods that need them (Score-CAM, Smooth Grad-CAM++), seeded with `classIndex`. */
  access(input: Float32Array, classIndex: number): ModelAccess {
    const size = Number(this.manifest.input.shape[2]);
    return {
      input,
      layout: 'NCHW',
      inputHeight: size,
      inputWidth: Number(this.manifest.input.shape[3]),
      classIndex,
      run: async (images, count, outputs): Promise<BatchRun> => {
        const e = await this.explain(images, new Array<number>(count).fill(classIndex), { plain: false, guided: false, attention: false });
        return { logits: e.logits, classes: this.classes, gradient: outputs.gradient ? e.gradient : undefined };
      },
    };
  }

  /** Frees the session. */
  release(): Promise<void> {
    return this.session.release();
  }
}
