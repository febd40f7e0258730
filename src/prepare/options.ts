/**
 * @module
 * Options of {@link prepare} and their checks and defaults (ImageNet mean and std, no labels, fp32).
 */
import { ApiError } from '../errors.js';
import { TASKS, type TaskKind } from './task.js';
import type { DetectLayout } from '../tasks/detect-format.js';
import type { RgbImage } from '../image/types.js';

/** Options of the prepare compiler. */
export interface PrepareOptions {
  /** Tensors to explain (original names); default: the default layer. */
  layers?: string[];
  /** Store Conv/Gemm/MatMul weights as int8 behind DequantizeLinear. Default 'none'. */
  quantize?: 'int8' | 'none';
  /** Class labels, one per logit; default null. */
  labels?: string[] | null;
  /** Per-channel mean and std after scaling pixels to [0, 1]; default ImageNet's. */
  mean?: [number, number, number];
  std?: [number, number, number];
  /** [height, width] for a model whose input size is symbolic (fixed into the prepared model). */
  inputSize?: [number, number];
  /** How clients bring an image to the input size (manifest only). Default 'stretch' and 'none'. */
  resize?: 'stretch' | 'shorter-side';
  crop?: 'none' | 'center';
  /** Colour an alpha channel is composited on (manifest only). Default white. */
  background?: [number, number, number];
  /**
   * Also output Guided Backprop gradients (Springenberg et al. 2015) for the layers that are the image input
   * (needs the input among `layers`, or `inputGradients`). Default false.
   */
  guided?: boolean;
  /**
   * Add the image input to the layers (after the requested or default layers) with its plain and guided
   * gradients: what `saliency`, `smoothgrad` and `guided-gradcam` need. Default false.
   */
  inputGradients?: boolean;
  /**
   * The layout of the explained layers when the graph does not tell (or to override it): NCHW,
   * channels-last, or tokens [N, P + h * w, C] with `prefixTokens` P and patch `grid` [h, w].
   */
  layout?: 'nchw' | 'nhwc' | 'tokens';
  prefixTokens?: number;
  grid?: [number, number];
  /**
   * Also output every attention block's probabilities (manifest `attention`): 'probabilities' for rollout
   * (forward only), 'gradients' also their gradients for attention-gradcam (a backward pass through every
   * block on each gradient run). `true` means 'gradients'. Default none.
   */
  attention?: boolean | 'probabilities' | 'gradients';
  /**
   * Calibration images for int8 activations (needs `quantize: 'int8'`): the trunk up to the explained
   * layers then runs as QLinearConv/QLinearAdd on uint8 activations with scales from the min/max of each
   * tensor over these images (src/prepare/quantize-activations.ts). Default none: activations stay float.
   */
  calibrate?: RgbImage[];
  /**
   * Let the model choose its own targets so that the default request takes one run: a classifier's top-k
   * (manifest `seed.select`), a segmenter's default class segment or a detector's top detection (manifest
   * `seed.task`). Default true; false gives a model that only takes fed seeds.
   */
  targetSelection?: boolean;
  /** Run the prepared model once to check it (default true). */
  verify?: boolean;
  /** Source file name recorded in the manifest. */
  sourceFile?: string;
  /** classify, segment, detect or embed; default: detected from the outputs (src/prepare/task.ts). */
  task?: TaskKind;
  /** Layout of a detection output when its shape cannot tell (anchors-first with or without objectness). */
  detectLayout?: DetectLayout;
}

/** ImageNet statistics, as torchvision's classifiers expect. */
export const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];

type Optional =
  | 'layers'
  | 'inputSize'
  | 'sourceFile'
  | 'layout'
  | 'prefixTokens'
  | 'grid'
  | 'attention'
  | 'task'
  | 'detectLayout'
  | 'calibrate';
type Checked = Required<Omit<PrepareOptions, Optional>> & Pick<PrepareOptions, Optional>;

const DETECT_LAYOUTS: readonly DetectLayout[] = ['channels-first', 'anchors-first', 'anchors-first-objectness'];

function bad(sentence: string): ApiError {
  return new ApiError(400, 'bad_option', sentence);
}

function triple(
  name: string,
  v: readonly number[] | undefined,
  dflt: [number, number, number],
  positive: boolean,
): [number, number, number] {
  if (v === undefined) return dflt;
  if (v.length !== 3 || !v.every((x) => Number.isFinite(x) && (!positive || x > 0))) {
    throw bad(`--${name} needs three ${positive ? 'positive ' : ''}numbers r,g,b (got ${v.join(',')}).`);
  }
  return [v[0]!, v[1]!, v[2]!];
}

/** Check options and fill in defaults. */
export function checkOptions(o: PrepareOptions): Checked {
  if (o.quantize !== undefined && o.quantize !== 'int8' && o.quantize !== 'none')
    throw bad(`--quantize must be int8 or none (got ${String(o.quantize)}).`);
  if (o.layers !== undefined) {
    if (o.layers.length === 0 || o.layers.some((l) => !l)) throw bad('--layer needs a tensor name.');
    if (new Set(o.layers).size !== o.layers.length) throw bad(`A layer is named twice in ${o.layers.join(', ')}.`);
  }
  if (o.inputSize && !o.inputSize.every((x) => Number.isInteger(x) && x > 0))
    throw bad(`--input-size needs positive integers HxW (got ${o.inputSize.join('x')}).`);
  if (o.resize !== undefined && o.resize !== 'stretch' && o.resize !== 'shorter-side')
    throw bad(`resize must be stretch or shorter-side (got ${String(o.resize)}).`);
  if (o.crop !== undefined && o.crop !== 'none' && o.crop !== 'center') throw bad(`crop must be none or center (got ${String(o.crop)}).`);
  if (o.attention !== undefined && ![true, false, 'probabilities', 'gradients'].includes(o.attention))
    throw bad(`--attention must be probabilities or gradients (got ${String(o.attention)}).`);
  if (o.layout !== undefined && !['nchw', 'nhwc', 'tokens'].includes(o.layout))
    throw bad(`--layout must be nchw, nhwc or tokens (got ${String(o.layout)}).`);
  if (o.prefixTokens !== undefined && !(Number.isInteger(o.prefixTokens) && o.prefixTokens >= 0))
    throw bad(`--prefix-tokens needs a whole number >= 0 (got ${o.prefixTokens}).`);
  if (o.grid && !(o.grid.length === 2 && o.grid.every((x) => Number.isInteger(x) && x > 0)))
    throw bad(`--grid needs positive integers HxW (got ${o.grid.join('x')}).`);
  if (o.task !== undefined && !TASKS.includes(o.task)) throw bad(`--task must be one of ${TASKS.join(', ')} (got ${String(o.task)}).`);
  if (o.detectLayout !== undefined && !DETECT_LAYOUTS.includes(o.detectLayout))
    throw bad(`--detect-layout must be one of ${DETECT_LAYOUTS.join(', ')} (got ${String(o.detectLayout)}).`);
  if (o.detectLayout !== undefined && o.task !== undefined && o.task !== 'detect')
    throw bad(`--detect-layout is for --task detect (got --task ${o.task}).`);
  if (o.calibrate !== undefined && o.quantize !== 'int8') throw bad('--calibrate (int8 activations) needs --quantize int8.');
  if (o.calibrate !== undefined && o.calibrate.length === 0) throw bad('--calibrate needs at least one image (PNG or JPEG).');
  return {
    layout: o.layout,
    prefixTokens: o.prefixTokens,
    grid: o.grid,
    layers: o.layers,
    calibrate: o.calibrate,
    quantize: o.quantize ?? 'none',
    labels: o.labels ?? null,
    mean: triple('mean', o.mean, IMAGENET_MEAN, false),
    std: triple('std', o.std, IMAGENET_STD, true),
    inputSize: o.inputSize,
    resize: o.resize ?? 'stretch',
    crop: o.crop ?? 'none',
    background: o.background ?? [255, 255, 255],
    verify: o.verify ?? true,
    targetSelection: o.targetSelection ?? true,
    guided: o.guided ?? false,
    inputGradients: o.inputGradients ?? false,
    attention: o.attention === true ? 'gradients' : o.attention || undefined,
    sourceFile: o.sourceFile,
    task: o.task,
    detectLayout: o.detectLayout,
  };
}
