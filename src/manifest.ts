/**
 * @module
 * The prepared model's manifest (`<prepared>.json`, format `gradcam-edge/1`): the contract between the
 * prepare tool, which writes it, and every runtime that runs a prepared model (the Worker, Node, or any
 * other ONNX runtime such as Python onnxruntime).
 *
 * The prepared ONNX model has:
 * - the original image input (`input.name`, batch dimension first) and `seed.name` (float32 [S, K]);
 * - the original outputs unchanged, plus for each layer its activation A (`layers[i].activation`,
 *   [N, C, h, w]) and gradient G (`layers[i].gradient`) with G = d(sum_k seed_k * logit_k)/dA, the
 *   vector-Jacobian product of the logits with the seed.
 * Optional extensions, still `gradcam-edge/1` (readers that ignore unknown fields keep working): a layer may
 * be the image input itself (`input: true`; A = the image tensor, G = dS/dx) and may carry a second gradient
 * `guidedGradient` from a Guided Backprop backward graph fed by the same seed. A reader that ignores them
 * sees the input as one more [N, 3, H, W] layer. Such gradients come from their own seed inputs
 * (`layers[i].seed`, `layers[i].guidedSeed`): every run must feed every seed input of the model, an empty
 * [0, K] tensor for the ones it does not need ({@link seedInputs} lists them).
 * Batch contract: either one image (N = 1) and S seed rows (G is [S, C, h, w]: S explanations from one
 * forward pass), or N images and N seed rows (G is [N, C, h, w], row i explains image i).
 */
import type { DetectLayout } from './tasks/detect-format.js';

/** Preprocessing of an RGB image into the model's input tensor. */
export interface InputSpec {
  /** Name of the image input of the ONNX graph. */
  name: string;
  /** Input shape, batch first; the batch dimension is the string "N". */
  shape: [string | number, number, number, number];
  /** Tensor layout: NCHW (PyTorch) or NHWC. */
  layout: 'NCHW' | 'NHWC';
  /** Per-channel mean and std applied after scaling pixels to [0, 1]. */
  mean: [number, number, number];
  std: [number, number, number];
  /** How an image of another size is brought to the input size (default stretch, no crop). */
  resize?: 'stretch' | 'shorter-side';
  crop?: 'none' | 'center';
  /** Colour an alpha channel is composited on, RGB 0..255 (default white). */
  background?: [number, number, number];
}

/** One explained layer of a prepared model. */
export interface LayerSpec {
  /** The original tensor name in the source model. */
  name: string;
  /** Output name of the activation A. */
  activation: string;
  /** Output name of the gradient G. */
  gradient: string;
  /** Activation shape as output (canonical NCHW), batch first ("N"), e.g. ["N", 320, 5, 5]. */
  shape: (string | number)[];
  /**
   * How the layer's tensor holds its map in the source model: NCHW, channels-last [N, h, w, C], or tokens
   * [N, P + h * w, C] (P = `prefixTokens`: class, distillation or register tokens). Whatever the layout,
   * `activation` and `gradient` are output in canonical [N, C, h, w] (prepare transposes, and drops the
   * prefix tokens and reshapes to the grid, inside the graph), and `shape` is that canonical shape; so
   * readers need not look at this field. Absent in manifests from before layouts (= NCHW) and for the
   * image input.
   */
  layout?: { kind: 'nchw' | 'nhwc' | 'tokens'; prefixTokens?: number; grid: [number, number] };
  /** True for the layer chosen when a request names none. */
  default?: boolean;
  /**
   * True when this "layer" is the image input itself (A is the preprocessed image, G = dS/dx): the source
   * of pixel-level maps (saliency, SmoothGrad, Guided Grad-CAM). Never the default layer.
   */
  input?: boolean;
  /**
   * Output name of the Guided Backprop gradient (Springenberg et al. 2015: every ReLU-family op passes back
   * only positive gradients at positive inputs), same shape as `gradient`, same seed. Present only when the
   * model was prepared with `--guided` / `--input-gradients`.
   */
  guidedGradient?: string;
  /**
   * The seed input (float32 [S, K]) of `gradient` when it is not `seed.name`, and of `guidedGradient`.
   * Layers with a seed of their own (the image input) have a backward graph of their own, so a run that
   * does not need them feeds an empty seed [0, K] and does not pay for the long backward pass.
   */
  seed?: string;
  guidedSeed?: string;
  /**
   * Unit names from Network Dissection (`gradcam-edge dissect`, src/dissect): optional; explanations put
   * them into `units` and `text`. Changes what explanations say, so it is part of the manifest's identity.
   */
  units?: LayerDissection;
}

/**
 * A layer's dissection (Bau et al. 2017): unit k (channel k of the activation) is named `names[k]` when its
 * best concept's dataset IoU `iou[k]` reached `iouThreshold`, else null (unnamed; `iou[k]` is still its best).
 */
export interface LayerDissection {
  /** The concept dataset: `scenes(...)` (the built-in scene generator) or `folder:<name>`. */
  source: string;
  /** Images dissected. */
  images: number;
  /** Top quantile of each unit's activations taken as "on" (NetDissect: 0.005). */
  quantile: number;
  /** IoU a unit's best concept needs for the unit to be named (NetDissect: 0.04). */
  iouThreshold: number;
  /** Mask resolution [height, width] the IoU was measured at (the model input's). */
  resolution: [number, number];
  /** ISO date of the dissection. */
  date: string;
  /** Kind of each concept of the dataset (shape, part, texture, colour, clutter, other). */
  kinds: Record<string, string>;
  /** One per unit (channel): the concept's name, or null. */
  names: (string | null)[];
  /** One per unit: the best concept's IoU (4 decimals). */
  iou: number[];
}

/**
 * What the model does and how its explained output (`logits.name`) is read. Optional: a manifest without
 * it describes a classifier (`logits` is [N, K] class scores, seeds are [S, K]). For the other tasks the seed
 * has the explained output's shape per row ([S, K, H, W], [S, 4 + C, A], [S, D]) and G differentiates
 * sum(seed * output), so one seed row is one target (src/tasks: a segment mask, a detection's score, a
 * direction).
 * - `segment`: per-pixel class scores [N, classes, height, width]; `background` is the class index that the
 *   default-class rule skips (null: none).
 * - `detect`: a YOLO dense output (src/tasks/detect-format.ts: layout, classes C, anchors A), boxes as centre
 *   x, centre y, width, height in input pixels; the service decodes it and runs NMS.
 * - `embed`: an embedding [N, dimensions].
 */
export type TaskSpec =
  | { kind: 'classify' }
  | { kind: 'segment'; classes: number; height: number; width: number; background: number | null }
  | { kind: 'detect'; layout: DetectLayout; classes: number; anchors: number }
  | { kind: 'embed'; dimensions: number };

/** The task of a manifest: its `task`, or classify for manifests written before tasks existed. */
export function taskOf(manifest: Pick<Manifest, 'task'>): TaskSpec {
  return manifest.task ?? { kind: 'classify' };
}

/**
 * In-graph target selection (optional; manifests without it describe models that only take fed seeds).
 * A run that feeds `topK` = [k] (int64 [1], k > 0) and, for each seed input it wants, a [2, K] template T
 * gets the gradients of the rows T[0] * onehot(c_i) + T[1], where c_1..c_k are the top-k classes of each
 * image (largest logit first, lower index first on ties; N images give N * k rows, image-major). Plain
 * targets: T = [1...1; 0...0]; counterfactual: T[0] = -1...-1; contrastive (rather than b): T[1] = -e_b.
 * `classes` (int64 [N * k]) returns the chosen classes. Every run must feed `topK` (onnxruntime-web cannot
 * feed an input with a default); [0] uses the seed inputs as given (ModelFeed in src/explain/model-feed.ts adds it to
 * runs that leave it out). One run then explains the top classes at any class count (without it, a
 * forward run must find them first).
 */
export interface SeedSelect {
  /** The int64 [1] input k. */
  topK: string;
  /** The int64 [N * k] output with the chosen classes (empty when k = 0). */
  classes: string;
}

/**
 * The default task target built inside the graph (optional; segment and detect models prepared since it
 * exists; src/prepare/task-target.ts). A run that feeds `build` = [1] (int64 [1]) gets the gradients of the
 * model's own default target, one row per image, whatever the shared seed holds (an empty [0, ...] seed is
 * enough): segment, class c (`class` int64 [1], or -1 for the non-background class covering most pixels)
 * masked to its own argmax segment and to `region` (a float mask over the output's H x W grid, [1, 1] = all);
 * detect, the top detection (highest score over all anchors, detection 0 after NMS). `chosenClass` (and
 * `chosenAnchor`), int64 [N], say what the rows explain (empty when not built). Every run must feed these
 * inputs: `build` = [0] uses the fed seed (ModelFeed adds the idle feeds to runs that leave them out).
 */
export interface TaskTargetInputs {
  build: string;
  /** segment: int64 [1], the class (-1: the default class). */
  class?: string;
  /** segment: float [h, w], 1 inside the region over the output grid ([1, 1] of ones: everywhere). */
  region?: string;
  chosenClass: string;
  /** detect: int64 [N], the anchor of the top detection. */
  chosenAnchor?: string;
}

/** The `gradcam-edge/1` manifest. */
export interface Manifest {
  format: 'gradcam-edge/1';
  input: InputSpec;
  /**
   * The seed input: [S, K] for classifiers, [S, ...explained output dims after the batch] for other tasks;
   * `select` when the model can choose its own top-k targets (classifiers), `task` when it can build its
   * default segmentation or detection target. `foldedBatch` (optional) when the model folds the batch into
   * another axis (torch's MultiheadAttention): its forward runs once per seed row, so S seed rows cost S
   * forward passes and the engine does not explain with K identity rows.
   */
  seed: { name: string; shape: [string | number, number, ...number[]]; select?: SeedSelect; task?: TaskTargetInputs; foldedBatch?: true };
  /** The output G differentiates: the class scores, or for other tasks the output `task` describes. */
  logits: { name: string };
  /** The task (optional; absent = classify). */
  task?: TaskSpec;
  layers: LayerSpec[];
  /**
   * Attention probabilities of a transformer, with `--attention` (optional): per block, in graph order, the
   * outputs `probabilities` P ([N, heads, T, T], softmax over the key axis) and `gradient`
   * (d(sum_k seed_k * logit_k)/dP, [S, heads, T, T]); tokens 0..prefixTokens-1 are class/distillation/register
   * tokens, the rest the patch grid `grid` row-major. Read by the attention methods (rollout,
   * attention-gradcam: src/attention/).
   */
  attention?: {
    prefixTokens: number;
    grid: [number, number];
    /** `gradient` is absent when prepared with `--attention probabilities` (rollout only). */
    blocks: { name: string; probabilities: string; gradient?: string; heads: number; tokens: number }[];
  };
  labels: string[] | null;
  quantization: {
    weights: 'int8' | 'none';
    scheme?: string;
    tensors?: number;
    /**
     * 'uint8' when the trunk (the forward graph up to the explained layers) runs on int8 arithmetic
     * (QLinearConv, QLinearAdd, ...; `prepare --calibrate`); absent: float activations. The head, the
     * backward graph and every output stay float32 either way.
     */
    activations?: 'uint8';
    /** How the activation scales were found: the number of calibration images and the method. */
    calibration?: { images: number; method: 'min-max' };
  };
  source: { sha256: string; file?: string };
  /** sha256 of the prepared ONNX file itself. */
  sha256: string;
  opset: number;
  /** Free-form provenance (tool version, date). */
  producer?: { name: string; version: string };
}

/** Every seed input of a prepared model: `seed.name` first, then the layers' own seeds. */
export function seedInputs(manifest: Manifest): string[] {
  const names = [manifest.seed.name];
  for (const l of manifest.layers) for (const s of [l.seed, l.guidedSeed]) if (s && !names.includes(s)) names.push(s);
  return names;
}
