/**
 * @module
 * The first half of prepare, shared with `--list-layers`: decode, check the opset, find the image input
 * and the explained output (the logits, or per task.ts), probe tensor shapes, list candidate layers and pick
 * the default.
 */
import { decodeModel, defaultOpset, type ModelProto } from '../onnx/proto.js';
import { probeShapes, type ShapeMap } from '../onnx/shapes.js';
import type { ModelRunner } from '../runtime/runner.js';
import { findImageInput, type ImageInput } from './input.js';
import type { Logits } from './logits.js';
import { candidateLayers, defaultLayer, type CandidateLayer } from './layers.js';
import { findTask, type TaskOptions } from './task.js';
import { sharedLayer } from './task-layer.js';
import type { TaskSpec } from '../manifest.js';

/** Opsets the prepare tool is tested on; others are tried with a warning. */
export const TESTED_OPSETS = { min: 13, max: 17 } as const;

/** What prepare learns about a source model before changing it. */
export interface Analysis {
  model: ModelProto;
  opset: number;
  input: ImageInput;
  shapes: ShapeMap;
  /** The explained output (class scores for classifiers). */
  logits: Logits;
  /** What the model does (src/prepare/task.ts). */
  task: TaskSpec;
  candidates: CandidateLayer[];
  /** The default layer; absent when the layouts are ambiguous (then `defaultError` says what to give). */
  defaultLayer?: CandidateLayer;
  defaultError?: Error;
  /** Sentences for the user (warnings and decisions taken). */
  notes: string[];
  /** Milliseconds per step. */
  timings: { decode: number; probe: number };
}

/** Decode and analyse a model. Throws {@link ApiError}s that say what is wrong with the file. */
export async function analyseModel(
  bytes: Uint8Array,
  runner: ModelRunner,
  inputSize?: readonly [number, number],
  taskOptions: TaskOptions = {},
): Promise<Analysis> {
  const t0 = performance.now();
  const model = decodeModel(bytes);
  const opset = defaultOpset(model);
  const notes: string[] = [];
  if (opset < TESTED_OPSETS.min || opset > TESTED_OPSETS.max) {
    notes.push(
      `The model uses opset ${opset}; prepare is tested on opsets ${TESTED_OPSETS.min}-${TESTED_OPSETS.max}. Trying anyway: check the result, or re-export with opset_version=17.`,
    );
  }
  const input = findImageInput(model, inputSize);
  const t1 = performance.now();
  const shapes = await probeShapes(model, runner);
  const t2 = performance.now();
  const { spec: task, logits } = findTask(model, shapes, taskOptions);
  notes.push(...logits.notes);
  const size: [number, number] = input.layout === 'NCHW' ? [input.shape[2], input.shape[3]] : [input.shape[1], input.shape[2]];
  const candidates = candidateLayers(model, shapes, input.name, logits.name, { layout: input.layout, size });
  const timings = { decode: t1 - t0, probe: t2 - t1 };
  // Dense predictions explain the deepest activation all outputs share (task-layer.ts); the rest, the pooled map.
  const dense = task.kind === 'segment' || task.kind === 'detect';
  try {
    const chosen = (dense ? sharedLayer(model, shapes, candidates, input.name, logits.name) : undefined) ?? defaultLayer(model, candidates);
    return { model, opset, input, shapes, logits, task, candidates, defaultLayer: chosen, notes, timings };
  } catch (err) {
    // with ambiguous layouts a --layer (and --layout) still works: the error only stands when no layer is named
    if ((err as { code?: string }).code !== 'bad_option') throw err;
    return {
      model,
      opset,
      input,
      shapes,
      logits,
      task,
      candidates,
      defaultError: err as Error,
      notes: [...notes, (err as Error).message],
      timings,
    };
  }
}
