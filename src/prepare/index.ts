/**
 * @module
 * The prepare compiler: turns an ONNX image classifier into a *prepared* model that also outputs, for
 * each target layer, its activation A and the gradient G = d(sum_k seed_k * logit_k)/dA, built from
 * standard ONNX operators, optionally with int8 weights; and writes its `gradcam-edge/1` manifest.
 * Pure TypeScript with no Node-only API: it runs in Node (CLI) and could run inside a Worker.
 *
 * @example
 * const { model, manifest } = await prepare(bytes, { quantize: 'int8' }, nodeRunner());
 */
import { encodeModel, defaultOpset, type ModelProto } from '../onnx/proto.js';
import { addGradientGraph } from '../gradients/graph.js';
import { ApiError } from '../errors.js';
import type { ModelRunner } from '../runtime/runner.js';
import type { LayerSpec, Manifest } from '../manifest.js';
import { analyseModel, type Analysis } from './analyse.js';
import { checkLayers } from './layers.js';
import { checkLabelCount } from './labels.js';
import { quantizeWeights, type QuantizeReport } from './quantize.js';
import { sha256Hex } from './sha256.js';
import { verifyPrepared } from './verify.js';
import { addTargetSelection, TOP_CLASSES_NAME, TOP_K_NAME } from './target-select.js';
import { addTaskTargets, buildsTaskTargets } from './task-target.js';
import { int8Activations, type Int8Report } from './int8-activations.js';
import { checkOptions, type PrepareOptions } from './options.js';
import { layerLayouts } from './layer-layouts.js';
import { canonicalOutputs } from './canonical.js';
import type { LayerLayout } from './layout.js';
import { expandInputToSeedBatch, foldedBatchTensors } from './batch-fold.js';
import { tensorsOnPath } from './layers.js';
import { GraphIndex } from '../onnx/graph-index.js';
import { addProbabilityOutputs, attentionOutputs, attentionSpec, findAttention, layerOutputs } from './attention.js';

export type { PrepareOptions } from './options.js';
export { parseLabels } from './labels.js';

/** Name of the seed input added to every prepared model. */
export const SEED_NAME = 'gradcam_seed';

/** Producer recorded in manifests. */
export const PRODUCER = { name: 'gradcam-edge prepare', version: '0.1.0' } as const;

/** Timings, sizes and decisions of one prepare run. */
export interface PrepareReport {
  /** Milliseconds per step, and in total. */
  timings: { decode: number; probe: number; gradient: number; quantize: number; encode: number; verify: number; total: number };
  /** Bytes of the source and prepared files. */
  sizes: { source: number; prepared: number };
  quantization: QuantizeReport | null;
  /** The int8 trunk (with `calibrate`), or null. */
  activations: Int8Report | null;
  /** Warnings and decisions, as sentences. */
  notes: string[];
}

/** The result of {@link prepare}. */
export interface PrepareResult {
  model: Uint8Array;
  manifest: Manifest;
  report: PrepareReport;
}

/** One row of {@link listLayers}. */
export interface LayerListing {
  name: string;
  shape: (number | 'N')[];
  op: string;
  default: boolean;
  /** Its layout and grid, when the graph or its shape tells (absent: ambiguous, needs --layout). */
  layout?: LayerLayout;
  /** 'graph' or 'shape': how the layout was found. */
  layoutFrom?: 'graph' | 'shape';
}

/**
 * The layers that can be explained, in graph order, with the default marked.
 *
 * @example
 * const { layers } = await listLayers(bytes, nodeRunner());
 */
export async function listLayers(
  modelBytes: Uint8Array,
  runner: ModelRunner,
  options: Pick<PrepareOptions, 'inputSize' | 'task' | 'detectLayout'> = {},
): Promise<{
  input: Analysis['input'];
  logits: { name: string; classes: number };
  task: Analysis['task'];
  layers: LayerListing[];
  notes: string[];
}> {
  const a = await analyseModel(modelBytes, runner, options.inputSize, { task: options.task, detectLayout: options.detectLayout });
  const layers = a.candidates.map((c) => ({
    name: c.name,
    shape: c.shape,
    op: c.op,
    default: c.name === a.defaultLayer?.name,
    ...(c.layout ? { layout: c.layout, layoutFrom: c.layoutFrom } : {}),
  }));
  return { input: a.input, logits: { name: a.logits.name, classes: a.logits.classes }, task: a.task, layers, notes: a.notes };
}

/** The seed input's shape as the prepared model declares it: rows, then the explained output's dims. */
function seedShape(model: ModelProto, row: readonly number[]): [string | number, number, ...number[]] {
  const v = model.graph!.input.find((i) => i.name === SEED_NAME);
  const d0 = v?.type?.tensorType?.shape?.dim?.[0];
  const first = d0?.dimValue != null && Number(d0.dimValue) > 0 ? Number(d0.dimValue) : d0?.dimParam || 'N';
  return [first, row[0]!, ...row.slice(1)];
}

/**
 * Prepare a classifier: add the gradient graph for the requested layers (the default layer when none),
 * optionally store weights as int8, check that the result runs, and build its manifest.
 * Every expected failure is an {@link ApiError} (invalid_model, unknown_layer, unsupported_op, bad_option).
 */
export async function prepare(modelBytes: Uint8Array, options: PrepareOptions, runner: ModelRunner): Promise<PrepareResult> {
  const start = performance.now();
  const opts = checkOptions(options);
  const a = await analyseModel(modelBytes, runner, opts.inputSize, {
    task: opts.task,
    detectLayout: opts.detectLayout,
    labelCount: opts.labels?.length,
  });
  const names = layerNames(opts, a);
  const seedRow = seedRowDims(a);
  checkLayers(
    names.filter((n) => n !== a.input.name),
    a.candidates,
    a.shapes,
  );
  const layouts = layerLayouts(
    names.filter((n) => n !== a.input.name),
    a.candidates,
    a.shapes,
    opts,
  );
  const guidedLayers = guidedLayerNames(opts, names, a.input.name);
  if (opts.labels) checkLabelCount(opts.labels, a.logits.classes);

  const index = new GraphIndex(a.model.graph!);
  const attentionFound = opts.attention
    ? findAttention(a.model, a.shapes, a.input.name, tensorsOnPath(index, a.input.name, a.logits.name))
    : [];
  const withGradients = opts.attention === 'gradients';
  const attentionNames = new Set(withGradients ? attentionFound.map((f) => f.name).filter((n) => !names.includes(n)) : []);

  const t0 = performance.now();
  const graph = addGradientGraph(a.model, a.shapes, {
    logits: a.logits.name,
    layers: [...names, ...attentionNames],
    seedName: SEED_NAME,
    guidedLayers,
    ownSeed: names.filter((n) => n === a.input.name),
  });
  const prepared = canonicalOutputs(
    graph.model,
    graph.layers.filter((l) => !attentionNames.has(l.name)),
    layouts,
  );
  const attentionOut = withGradients
    ? layerOutputs(graph.layers)
    : addProbabilityOutputs(
        graph.model,
        a.shapes,
        attentionFound.map((f) => f.name),
      );
  const attention = opts.attention ? attentionSpec(attentionFound, a.candidates, attentionOut) : undefined;
  if (attention) attentionOutputs(graph.model, attention.blocks);
  const folded = foldedBatchTensors(
    a.shapes,
    [...names, ...attentionNames].flatMap((n) => [...tensorsOnPath(index, n, a.logits.name)]),
  );
  if (folded.length > 0) expandInputToSeedBatch(graph.model, a.input.name, SEED_NAME);
  // In-graph target selection for classifiers; not for models whose forward runs at the seed's batch (the
  // repeated image's rows are read off the fed seed, which selection turns into a template).
  const selects = opts.targetSelection && a.task.kind === 'classify' && folded.length === 0;
  const ownSeeds = [...new Set(graph.layers.flatMap((l) => [l.seed, l.guidedSeed]).filter((s): s is string => !!s && s !== SEED_NAME))];
  if (selects) addTargetSelection(graph.model, { logits: a.logits.name, classes: a.logits.classes, seed: SEED_NAME, otherSeeds: ownSeeds });
  // The default segmentation / detection target built in the graph (one run per task request), same conditions.
  const taskTarget =
    opts.targetSelection && buildsTaskTargets(a.task) && folded.length === 0
      ? addTaskTargets(graph.model, { output: a.logits.name, seed: SEED_NAME, task: a.task, row: seedRow })
      : undefined;
  const t1 = performance.now();
  const quantization = opts.quantize === 'int8' ? quantizeWeights(graph.model) : null;
  // After the weights: the int8 trunk reads the same int8 weight tensors as any float op that remains.
  const activations = opts.calibrate
    ? await int8Activations(
        a,
        graph.model,
        names.filter((n) => n !== a.input.name),
        opts,
        runner,
        SEED_NAME,
      )
    : null;
  const t2 = performance.now();
  const bytes = encodeModel(graph.model);
  const t3 = performance.now();

  const defaultName =
    a.defaultLayer && names.includes(a.defaultLayer.name) ? a.defaultLayer.name : (names.find((n) => n !== a.input.name) ?? names[0]);
  const layers: LayerSpec[] = prepared.map((l) => ({
    name: l.name,
    activation: l.activation,
    gradient: l.gradient,
    shape: [...l.shape],
    default: l.name === defaultName,
    ...(layouts.has(l.name) ? { layout: layouts.get(l.name) } : {}),
    ...(l.name === a.input.name ? { input: true } : {}),
    ...(l.seed !== SEED_NAME ? { seed: l.seed } : {}),
    ...(l.guidedGradient ? { guidedGradient: l.guidedGradient, guidedSeed: l.guidedSeed } : {}),
  }));
  if (opts.verify)
    await verifyPrepared(
      bytes,
      runner,
      a.input,
      { name: SEED_NAME, classes: a.logits.classes, row: seedRow, topK: selects ? TOP_K_NAME : undefined, task: taskTarget },
      layers,
    );
  const t4 = performance.now();

  const manifest: Manifest = {
    format: 'gradcam-edge/1',
    input: { ...a.input, mean: opts.mean, std: opts.std, resize: opts.resize, crop: opts.crop, background: opts.background },
    seed: {
      name: SEED_NAME,
      shape: seedShape(graph.model, seedRow),
      ...(selects ? { select: { topK: TOP_K_NAME, classes: TOP_CLASSES_NAME } } : {}),
      ...(taskTarget ? { task: taskTarget } : {}),
      ...(folded.length > 0 ? { foldedBatch: true as const } : {}),
    },
    logits: { name: a.logits.name },
    task: a.task,
    layers,
    ...(attention ? { attention } : {}),
    labels: opts.labels,
    quantization: quantization
      ? {
          weights: 'int8',
          scheme: 'per-channel symmetric int8 (zero point 0) behind DequantizeLinear',
          tensors: quantization.quantized.length,
          ...(activations
            ? { activations: 'uint8' as const, calibration: { images: opts.calibrate!.length, method: 'min-max' as const } }
            : {}),
        }
      : { weights: 'none' },
    source: { sha256: await sha256Hex(modelBytes), ...(opts.sourceFile ? { file: opts.sourceFile } : {}) },
    sha256: await sha256Hex(bytes),
    opset: defaultOpset(graph.model),
    producer: { ...PRODUCER },
  };
  const report: PrepareReport = {
    timings: { ...a.timings, gradient: t1 - t0, quantize: t2 - t1, encode: t3 - t2, verify: t4 - t3, total: performance.now() - start },
    sizes: { source: modelBytes.byteLength, prepared: bytes.byteLength },
    quantization,
    activations,
    notes: [...a.notes, ...quantizationNotes(quantization), ...foldNotes(folded), ...activationNotes(activations)],
  };
  return { model: bytes, manifest, report };
}

/** One seed row's dims: [K] for classifiers, the explained output's dims after the batch otherwise. */
function seedRowDims(a: Analysis): number[] {
  return a.task.kind === 'classify' ? [a.logits.classes] : (a.shapes.get(a.logits.name)!.dims.slice(1) as number[]);
}

/** The layers to prepare: the requested ones (default: the default layer), plus the input with `inputGradients`. */
function layerNames(opts: ReturnType<typeof checkOptions>, a: Analysis): string[] {
  if (!opts.layers && !a.defaultLayer) throw a.defaultError!;
  const names = opts.layers ?? [a.defaultLayer!.name];
  return opts.inputGradients && !names.includes(a.input.name) ? [...names, a.input.name] : names;
}

/** The layers that get a guided gradient: the image input, with `guided` or `inputGradients`. */
function guidedLayerNames(opts: ReturnType<typeof checkOptions>, names: readonly string[], input: string): string[] {
  if (!opts.guided && !opts.inputGradients) return [];
  if (!names.includes(input))
    throw new ApiError(
      400,
      'bad_option',
      `--guided needs the image input among the layers: add --layer ${input} (or use --input-gradients).`,
    );
  return [input];
}

function foldNotes(folded: string[]): string[] {
  if (folded.length === 0) return [];
  return [
    `The model folds the batch into another axis (e.g. "${folded[0]}", as torch's MultiheadAttention does): the prepared model runs its forward pass once per seed row (S explanations of one image cost S forward passes).`,
  ];
}

function quantizationNotes(q: QuantizeReport | null): string[] {
  if (!q || q.skipped.length === 0) return [];
  return [`${q.skipped.length} small weight(s) kept in fp32: ${q.skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}.`];
}

function activationNotes(r: Int8Report | null): string[] {
  if (!r) return [];
  const list = (m: Record<string, number>) =>
    Object.entries(m)
      .map(([k, v]) => `${k} x${v}`)
      .join(', ') || 'none';
  const notes = [`int8 trunk: ${list(r.int8)}; still float: ${list(r.float)}.`];
  notes.push(
    `Accuracy check on the calibration images: Grad-CAM map r >= ${r.mapCorrelation.toFixed(4)} against float${r.floatTail > 0 ? ` with the last ${r.floatTail} conv(s) before the explained layer kept float` : ''}.`,
  );
  if (r.floatCopies > 0)
    notes.push(
      `The input-gradient graphs keep a float copy of ${r.floatCopies} forward op(s): pixel-level methods run the forward twice (int8, then float).`,
    );
  return notes;
}

export { ApiError };
