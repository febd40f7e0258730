/**
 * @module
 * How a prepared model is fed and read: the one place that knows the input's size and layout, the seed
 * rows over the K logits, the empty seeds of the backward graphs a run does not need, the float outputs,
 * and how many images go into one run. Every model run of an explanation goes through a {@link ModelFeed}.
 *
 * Batch contract (src/manifest.ts): one image and S seed rows (S explanations from one forward pass), or N
 * images and N seed rows (row i seeds image i). A prepared model may have several seed inputs (the image
 * input's plain and guided gradients come from backward graphs of their own); onnxruntime needs a value for
 * every input, and an empty seed [0, K] makes a backward graph cost nothing, so {@link ModelFeed.run} feeds
 * one to every seed input a run leaves out.
 */
import type { BatchRun, ModelAccess } from '../cam/base.js';
import { ApiError } from '../errors.js';
import { seedInputs, type LayerSpec, type Manifest } from '../manifest.js';
import type { ModelSession, RunTensor } from '../runtime/runner.js';

/** The most images sent in one session run (bounds the WASM memory a batch needs; see docs/methods.md). */
export const MAX_BATCH = 16;

/**
 * The most images per run for a model with gradients down to its input (own seed inputs, prepare
 * --input-gradients). Their backward graphs run inside ONNX If nodes, and onnxruntime keeps every forward
 * activation an If reads alive until it runs, whichever branch it takes: the default model's WASM memory
 * after one run is 40 MiB at 4 images but 122 MiB at 16 (35 MiB at 16 without input gradients), too close
 * to a Worker's 128 MB.
 */
export const MAX_BATCH_INPUT_GRADIENTS = 4;

/** The number of classes K of a prepared model (the width of its seed rows). */
export function classCount(manifest: Manifest): number {
  return Number(manifest.seed.shape[1]);
}

/**
 * The dims of one seed row: [K] for classifiers, the explained output's dims after the batch for the other
 * tasks (segment [K, H, W], detect [4 + C, A], embed [D]; manifest `task`).
 */
export function seedRowDims(manifest: Manifest): number[] {
  return manifest.seed.shape.slice(1).map(Number);
}

/** The largest batch sent to the model in one run: its fixed batch size, else the limit for its kind. */
export function batchLimit(manifest: Manifest): number {
  const max = seedInputs(manifest).length > 1 ? MAX_BATCH_INPUT_GRADIENTS : MAX_BATCH;
  const n = manifest.input.shape[0];
  return typeof n === 'number' && n > 0 ? Math.min(n, max) : max;
}

/** The model input's height and width. */
export function inputSize(manifest: Manifest): { width: number; height: number } {
  const [, a, b, c] = manifest.input.shape as [unknown, number, number, number];
  return manifest.input.layout === 'NCHW' ? { height: b, width: c } : { height: a, width: b };
}

/** A float32 output with its dims. */
export interface FloatOutput {
  data: Float32Array;
  dims: readonly number[];
}

const int64 = (value: number): RunTensor => ({ type: 'int64', dims: [1], data: BigInt64Array.of(BigInt(value)) });

/**
 * The feeds of the in-graph target inputs that leave the fed seeds as they are: k = [0] for the top-k
 * selection (manifest `seed.select`); build = [0], class = [-1] and a [1, 1] region of ones for the task
 * target (manifest `seed.task`).
 *
 * @example
 * await session.run({ ...idleTargetFeeds(manifest.seed), [manifest.input.name]: image, [manifest.seed.name]: seed }, fetches);
 */
export function idleTargetFeeds(seed: Pick<Manifest['seed'], 'select' | 'task'>): Record<string, RunTensor> {
  const feeds: Record<string, RunTensor> = {};
  const { select, task } = seed;
  if (select) feeds[select.topK] = int64(0);
  if (task) feeds[task.build] = int64(0);
  if (task?.class) feeds[task.class] = int64(-1);
  if (task?.region) feeds[task.region] = { type: 'float32', dims: [1, 1], data: Float32Array.of(1) };
  return feeds;
}

/**
 * The feeds a raw session needs besides the image and the shared seed: an empty [0, ...seed row] tensor for
 * each of the layers' own seed inputs and the idle feeds of the in-graph targets (k = [0], build = [0]). For tools, tests and
 * benchmarks that run a prepared model without a {@link ModelFeed}.
 *
 * @example
 * await session.run({ ...ownSeedFeeds(manifest), [manifest.input.name]: image, [manifest.seed.name]: seed }, fetches);
 */
export function ownSeedFeeds(manifest: Manifest): Record<string, RunTensor> {
  const row = seedRowDims(manifest);
  const empty: RunTensor = { type: 'float32', dims: [0, ...row], data: new Float32Array(0) };
  return {
    ...idleTargetFeeds(manifest.seed),
    ...Object.fromEntries(
      seedInputs(manifest)
        .slice(1)
        .map((name) => [name, empty]),
    ),
  };
}

/**
 * A prepared model's session with the knowledge of how to feed it.
 *
 * @example
 * const feed = new ModelFeed(session, manifest);
 * const logits = await feed.logits(pre.data); // K values, forward only
 */
export class ModelFeed {
  /** K, the number of classes. */
  readonly classes: number;
  /** The largest number of images in one run ({@link batchLimit}). */
  readonly batchLimit: number;
  /** One seed row's dims ({@link seedRowDims}) and its number of values. */
  readonly seedRow: readonly number[];
  readonly seedWidth: number;
  private readonly seeds: string[];
  private readonly emptySeed: RunTensor;
  private readonly idle: Record<string, RunTensor>;
  private count = 0;

  /** `options.batchLimit` overrides the model's {@link batchLimit} (benchmarks that study batch sizes). */
  constructor(
    readonly session: ModelSession,
    readonly manifest: Manifest,
    options: { batchLimit?: number } = {},
  ) {
    this.classes = classCount(manifest);
    this.batchLimit = options.batchLimit ?? batchLimit(manifest);
    this.seeds = seedInputs(manifest).filter((name) => session.inputNames.length === 0 || session.inputNames.includes(name));
    this.seedRow = seedRowDims(manifest);
    this.seedWidth = this.seedRow.reduce((a, b) => a * b, 1);
    this.emptySeed = { type: 'float32', dims: [0, ...this.seedRow], data: new Float32Array(0) };
    this.idle = idleTargetFeeds(manifest.seed);
  }

  /** The model input's height and width. */
  get inputSize(): { width: number; height: number } {
    return inputSize(this.manifest);
  }

  /** `count` images (concatenated, one image's layout each) as the input tensor. */
  images(data: Float32Array, count = 1): RunTensor {
    const [, a, b, c] = this.manifest.input.shape as [unknown, number, number, number];
    return { type: 'float32', dims: [count, a, b, c], data };
  }

  /** Seed rows ({@link ModelFeed.seedWidth} values each: K for classifiers) as a [S, ...seed row] tensor. */
  rows(seeds: readonly Float32Array[]): RunTensor {
    const k = this.seedWidth;
    const data = new Float32Array(seeds.length * k);
    seeds.forEach((s, i) => data.set(s, i * k));
    return { type: 'float32', dims: [seeds.length, ...this.seedRow], data };
  }

  /** `count` zero seed rows: the forward pass only, for the backward graph fed by that seed. */
  zeroRows(count: number): RunTensor {
    return { type: 'float32', dims: [count, ...this.seedRow], data: new Float32Array(count * this.seedWidth) };
  }

  /** The explained output of one image (all of it: a segmentation map, a detection tensor), forward only. */
  async output(input: Float32Array): Promise<Float32Array> {
    const out = await this.run({ [this.manifest.input.name]: this.images(input), [this.manifest.seed.name]: this.zeroRows(1) }, [
      this.manifest.logits.name,
    ]);
    return this.floats(out, this.manifest.logits.name).data.slice(0, this.seedWidth);
  }

  /** Session runs made through this feed so far (every kind: targets, batches, methods' extra images). */
  get runCount(): number {
    return this.count;
  }

  /**
   * One run; every seed input missing from `feeds` gets an empty [0, K] seed, and the in-graph target inputs
   * (manifest `seed.select`, `seed.task`) that `feeds` leave out get their idle values (the seeds are then
   * used as fed).
   */
  run(feeds: Record<string, RunTensor>, fetches: readonly string[]): Promise<Record<string, RunTensor>> {
    this.count++;
    const defaults: Record<string, RunTensor> = {};
    for (const name of this.seeds) if (!(name in feeds)) defaults[name] = this.emptySeed;
    for (const [name, t] of Object.entries(this.idle)) if (!(name in feeds)) defaults[name] = t;
    return this.session.run(Object.keys(defaults).length === 0 ? feeds : { ...feeds, ...defaults }, fetches);
  }

  /** The float32 output `name` of a run; a missing or non-float output is a 500 (a broken prepared model). */
  floats(out: Record<string, RunTensor>, name: string): FloatOutput {
    const t = out[name];
    if (!t || !(t.data instanceof Float32Array)) throw new ApiError(500, 'internal', `model output '${name}' missing or not float32`);
    return { data: t.data, dims: t.dims };
  }

  /** The logits of one image: the forward pass only (one zero seed row). */
  async logits(input: Float32Array): Promise<Float32Array> {
    const out = await this.run({ [this.manifest.input.name]: this.images(input), [this.manifest.seed.name]: this.zeroRows(1) }, [
      this.manifest.logits.name,
    ]);
    return this.floats(out, this.manifest.logits.name).data.slice(0, this.classes);
  }

  /**
   * The logits of `count` images (concatenated), forward only, in batches of at most
   * {@link ModelFeed.batchLimit}: count x K values, and the runs taken.
   */
  async batchLogits(images: Float32Array, count: number): Promise<{ logits: Float32Array; runs: number }> {
    const k = this.classes;
    const logits = new Float32Array(count * k);
    const runs = await this.eachBatch(images, count, async (batch, n, start) => {
      const out = await this.run({ [this.manifest.input.name]: batch, [this.manifest.seed.name]: this.zeroRows(n) }, [
        this.manifest.logits.name,
      ]);
      logits.set(this.floats(out, this.manifest.logits.name).data.subarray(0, n * k), start * k);
    });
    return { logits, runs };
  }

  /**
   * The gradient at `layer` (the image input, with a seed of its own) of `count` images (concatenated), each
   * seeded with the same `seed` row, in batches of at most {@link ModelFeed.batchLimit}. The shared seed gets
   * zero rows (its backward graph is short).
   */
  async batchInputGradients(
    layer: LayerSpec,
    images: Float32Array,
    count: number,
    seed: Float32Array,
  ): Promise<{ gradients: Float32Array; runs: number }> {
    const size = images.length / count;
    const gradients = new Float32Array(images.length);
    const runs = await this.eachBatch(images, count, async (batch, n, start) => {
      const out = await this.run(
        {
          [this.manifest.input.name]: batch,
          [this.manifest.seed.name]: this.zeroRows(n),
          [layer.seed ?? this.manifest.seed.name]: this.rows(Array.from({ length: n }, () => seed)),
        },
        [layer.gradient],
      );
      gradients.set(this.floats(out, layer.gradient).data.subarray(0, n * size), start * size);
    });
    return { gradients, runs };
  }

  /**
   * The {@link ModelAccess} of a CAM method that runs the model again (Score-CAM's masked inputs, Smooth
   * Grad-CAM++'s noisy copies), for one image's `input` explained at `layer` for `classIndex`: every extra
   * image gets a one-hot seed row of the class (zero rows when no gradient is asked for).
   *
   * @example
   * const { logits } = await feed.access(layer, pre.data, 3).run(masked, 32, { gradient: false }); // 2 runs of 16
   */
  access(layer: LayerSpec, input: Float32Array, classIndex: number): ModelAccess {
    const { width, height } = this.inputSize;
    return {
      input,
      layout: this.manifest.input.layout,
      inputHeight: height,
      inputWidth: width,
      classIndex,
      run: async (images, count, outputs) => {
        if (images.length !== count * input.length)
          throw new Error(`batch has ${images.length} values, expected ${count} x ${input.length}`);
        const k = this.classes;
        const logits = new Float32Array(count * k);
        let gradient: Float32Array | undefined;
        const fetches = outputs.gradient ? [this.manifest.logits.name, layer.gradient] : [this.manifest.logits.name];
        await this.eachBatch(images, count, async (batch, n, start) => {
          const seed = this.zeroRows(n);
          if (outputs.gradient) for (let i = 0; i < n; i++) (seed.data as Float32Array)[i * k + classIndex] = 1;
          const out = await this.run({ [this.manifest.input.name]: batch, [this.manifest.seed.name]: seed }, fetches);
          logits.set(this.floats(out, this.manifest.logits.name).data.subarray(0, n * k), start * k);
          if (outputs.gradient) {
            const g = this.floats(out, layer.gradient).data;
            const per = g.length / n;
            gradient ??= new Float32Array(count * per);
            gradient.set(g, start * per);
          }
        });
        return { logits, classes: k, gradient } satisfies BatchRun;
      },
    };
  }

  /** Call `step` for each batch of at most {@link ModelFeed.batchLimit} of `count` images; returns the batch count. */
  private async eachBatch(
    images: Float32Array,
    count: number,
    step: (batch: RunTensor, n: number, start: number) => Promise<void>,
  ): Promise<number> {
    const size = images.length / count;
    let runs = 0;
    for (let start = 0; start < count; start += this.batchLimit) {
      const n = Math.min(this.batchLimit, count - start);
      await step(this.images(images.subarray(start * size, (start + n) * size), n), n, start);
      runs++;
    }
    return runs;
  }
}
