/**
 * @module
 * Parsing `gradcam-edge prepare` arguments into {@link PrepareOptions} (files are read by the caller).
 */
import { parseArgs } from 'node:util';
import { ApiError } from '../src/errors.js';
import type { PrepareOptions } from '../src/prepare/options.js';
import { TASKS } from '../src/prepare/task.js';

/** Parsed command line of `prepare`. */
export interface PrepareArgs {
  modelPath: string;
  outPath?: string;
  listLayers: boolean;
  json: boolean;
  labelsPath?: string;
  /** Folder of calibration images (`--calibrate`), read by the caller. */
  calibratePath?: string;
  options: PrepareOptions;
}

export const PREPARE_USAGE = `Usage:
  gradcam-edge prepare <model.onnx> --out <prepared.onnx> [options]
  gradcam-edge prepare <model.onnx> --list-layers [--json]

Adds the gradient graph of the chosen layers to an ONNX image model (classifier, segmenter, YOLO-style
detector or image encoder) and writes the prepared model and its manifest <prepared>.json beside it.

Options:
  --out <file>          the prepared model (.onnx); the manifest goes to the same name with .json
  --layer <tensor>      a tensor to explain (repeatable); default: the layer before the global pooling
                        (segment, detect: the deepest activation all outputs share); the image input's
                        name gives pixel-level gradients (dS/dx)
  --task classify|segment|detect|embed   what the model does (default: from its outputs)
  --detect-layout channels-first|anchors-first|anchors-first-objectness   a detection output's layout
                        when its shape cannot tell (default: anchors-first has objectness, or the labels say)
  --quantize int8|none  store Conv/Gemm/MatMul weights as per-channel int8 (default none)
  --calibrate <folder>  with --quantize int8: run the trunk (up to the explained layers) on int8
                        activations, scaled by the min/max seen on the PNG/JPEG images in <folder>
                        (see docs/prepare.md: 20-50 images like the ones you will explain)
  --labels <file>       class labels: a JSON array, or one label per line
  --mean r,g,b          normalisation mean after scaling pixels to [0,1] (default ImageNet's)
  --std r,g,b           normalisation std (default ImageNet's)
  --input-size HxW      input size for a model whose input size is symbolic
  --resize stretch|shorter-side, --crop none|center   how clients fit an image (manifest only)
  --layout nchw|nhwc|tokens   the layout of the explained layers, when prepare says it is ambiguous
                        (or to override it); read off the graph otherwise
  --prefix-tokens <P>   with --layout tokens: tokens before the patch grid (ViT 1, DeiT 2, + registers)
  --grid HxW            with --layout tokens: the patch grid (e.g. 14x20 for a 224x320 input, patch 16)
  --attention probabilities|gradients   also output every attention block's probabilities (ViT, DeiT):
                        probabilities for method=rollout (forward only); gradients also their gradients,
                        for method=attention-gradcam (a backward pass through every block per run)
  --input-gradients     also explain the image input (plain and Guided Backprop gradients), for
                        method=saliency, smoothgrad and guided-gradcam
  --guided              add Guided Backprop gradients to a --layer that names the image input
  --no-verify           skip the check run of the prepared model
  --list-layers         list the layers that can be explained, with layout and grid (default marked
                        with *), and exit
  --json                with --list-layers: print JSON
  --debug               print stack traces
`;

function numbers(flag: string, text: string | undefined, sep: RegExp, count: number): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(sep).map((s) => s.trim());
  const values = parts.map(Number);
  if (parts.length !== count || parts.some((p) => p === '') || !values.every(Number.isFinite)) {
    throw new ApiError(400, 'bad_option', `--${flag} expects ${count} numbers (got "${text}").`);
  }
  return values;
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new ApiError(400, 'bad_option', `--${flag} must be one of ${allowed.join(', ')} (got "${value}").`);
}

/** Parse the arguments after `prepare`. Throws `bad_option` for malformed ones. */
export function parsePrepareArgs(args: string[]): PrepareArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string', short: 'o' },
      layer: { type: 'string', multiple: true },
      quantize: { type: 'string' },
      calibrate: { type: 'string' },
      labels: { type: 'string' },
      mean: { type: 'string' },
      std: { type: 'string' },
      'input-size': { type: 'string' },
      resize: { type: 'string' },
      crop: { type: 'string' },
      'no-verify': { type: 'boolean' },
      guided: { type: 'boolean' },
      'input-gradients': { type: 'boolean' },
      'list-layers': { type: 'boolean' },
      json: { type: 'boolean' },
      layout: { type: 'string' },
      attention: { type: 'string' },
      'prefix-tokens': { type: 'string' },
      grid: { type: 'string' },
      task: { type: 'string' },
      'detect-layout': { type: 'string' },
    },
  });
  if (positionals.length !== 1)
    throw new ApiError(400, 'bad_option', `Give exactly one model file (got ${positionals.length}); see --help.`);
  const listLayers = values['list-layers'] ?? false;
  if (!listLayers && !values.out) throw new ApiError(400, 'bad_option', 'Missing --out <prepared.onnx> (or use --list-layers).');
  const options: PrepareOptions = {
    layers: values.layer,
    quantize: oneOf('quantize', values.quantize, ['int8', 'none'] as const),
    mean: numbers('mean', values.mean, /,/, 3) as PrepareOptions['mean'],
    std: numbers('std', values.std, /,/, 3) as PrepareOptions['std'],
    inputSize: numbers('input-size', values['input-size'], /x/i, 2) as PrepareOptions['inputSize'],
    resize: oneOf('resize', values.resize, ['stretch', 'shorter-side'] as const),
    crop: oneOf('crop', values.crop, ['none', 'center'] as const),
    verify: !values['no-verify'],
    guided: values.guided,
    inputGradients: values['input-gradients'],
    attention: oneOf('attention', values.attention, ['probabilities', 'gradients'] as const),
    layout: oneOf('layout', values.layout, ['nchw', 'nhwc', 'tokens'] as const),
    prefixTokens: numbers('prefix-tokens', values['prefix-tokens'], /,/, 1)?.[0],
    grid: numbers('grid', values.grid, /x/i, 2) as PrepareOptions['grid'],
    task: oneOf('task', values.task, TASKS),
    detectLayout: oneOf('detect-layout', values['detect-layout'], ['channels-first', 'anchors-first', 'anchors-first-objectness'] as const),
  };
  return {
    modelPath: positionals[0]!,
    outPath: values.out,
    listLayers,
    json: values.json ?? false,
    labelsPath: values.labels,
    calibratePath: values.calibrate,
    options,
  };
}

/** The manifest path beside a prepared model: same name, extension .json. */
export function manifestPath(outPath: string): string {
  return /\.onnx$/i.test(outPath) ? outPath.replace(/\.onnx$/i, '.json') : `${outPath}.json`;
}
