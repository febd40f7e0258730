/**
 * @module
 * A prepared model (src/manifest.ts) as the benchmark uses it: explanation runs (N images, N one-hot seed
 * rows: logits plus A and G of the default layer, and of the image input when the model has it as a layer)
 * and plain forward runs returning class probabilities, both batched.
 */
import type { LayerSpec, Manifest } from '../../src/manifest.js';
import type { ModelRunner, ModelSession, RunTensor } from '../../src/runtime/runner.js';
import type { BatchRun, ModelAccess } from '../../src/cam/registry.js';
import { softmaxRows, type Forward } from '../../src/quality/index.js';

/** One batch of explanation outputs; image i's tensors are the i-th slices. */
export interface Explained {
  count: number;
  logits: Float32Array;
  /** Default layer: A and G, each count x C x h x w. */
  activation: Float32Array;
  gradient: Float32Array;
  /** dS/dx (count x 3 x H x W) when the model has the image input as a layer. */
  inputGradient?: Float32Array;
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

  private constructor(private readonly session: ModelSession, readonly manifest: Manifest, private readonly batch: number) {
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

  /** The image, and the same seed rows for every seed input (a layer may have its own seed input). */
  private feeds(images: Float32Array, count: number, seeds: Float32Array): Record<string, RunTensor> {
    const [, c, h, w] = this.manifest.input.shape.map(Number);
    const feeds: Record<string, RunTensor> = { [this.manifest.input.name]: { type: 'float32', dims: [count, c!, h!, w!], data: images } };
    for (const name of this.session.inputNames) {
      if (name !== this.manifest.input.name) feeds[name] = { type: 'float32', dims: [count, this.classes], data: seeds };
    }
    return feeds;
  }

  /** Explains class `classes[i]` of image i (images back to back), in batches; `withInput` false skips dS/dx. */
  async explain(images: Float32Array, classes: readonly number[], withInput = true): Promise<Explained> {
    const n = classes.length, [c, h, w] = this.layerShape, plane = c * h * w;
    const inputLayer = withInput ? this.inputLayer : undefined;
    const out: Explained = {
      count: n, logits: new Float32Array(n * this.classes),
      activation: new Float32Array(n * plane), gradient: new Float32Array(n * plane),
      inputGradient: inputLayer ? new Float32Array(n * this.inputSize) : undefined,
    };
    const fetches = [this.manifest.logits.name, this.layer.activation, this.layer.gradient, ...(inputLayer ? [inputLayer.gradient] : [])];
    for (let s = 0; s < n; s += this.batch) {
      const m = Math.min(this.batch, n - s);
      const seeds = new Float32Array(m * this.classes);
      for (let i = 0; i < m; i++) seeds[i * this.classes + classes[s + i]!] = 1;
      const r = await this.session.run(this.feeds(images.subarray(s * this.inputSize, (s + m) * this.inputSize), m, seeds), fetches);
      this.counts.explained += m;
      out.logits.set(r[this.manifest.logits.name]!.data as Float32Array, s * this.classes);
      out.activation.set(r[this.layer.activation]!.data as Float32Array, s * plane);
      out.gradient.set(r[this.layer.gradient]!.data as Float32Array, s * plane);
      if (inputLayer) out.inputGradient!.set(r[inputLayer.gradient]!.data as Float32Array, s * this.inputSize);
    }
    return out;
  }

  /** Class probabilities of `count` images, in batches (the {@link Forward} of the metrics). */
  readonly forward: Forward = async (images, count) => {
    const probs = new Float32Array(count * this.classes);
    for (let s = 0; s < count; s += this.batch) {
      const m = Math.min(this.batch, count - s);
      const r = await this.session.run(this.feeds(images.subarray(s * this.inputSize, (s + m) * this.inputSize), m, new Float32Array(m * this.classes)), [this.manifest.logits.name]);
      probs.set(softmaxRows(r[this.manifest.logits.name]!.data as Float32Array, m), s * this.classes);
      this.counts.forward += m;
    }
    return probs;
  };

  /** Extra runs for the CAM methods that need them (Score-CAM, Smooth Grad-CAM++), seeded with `classIndex`. */
  access(input: Float32Array, classIndex: number): ModelAccess {
    const size = Number(this.manifest.input.shape[2]);
    return {
      input, layout: 'NCHW', inputHeight: size, inputWidth: Number(this.manifest.input.shape[3]), classIndex,
      run: async (images, count, outputs): Promise<BatchRun> => {
        const e = await this.explain(images, new Array<number>(count).fill(classIndex), false);
        return { logits: e.logits, classes: this.classes, gradient: outputs.gradient ? e.gradient : undefined };
      },
    };
  }

  /** Frees the session. */
  release(): Promise<void> {
    return this.session.release();
  }
}
