/**
 * @module
 * The first half of prepare, shared with `--list-layers`: decode, check the opset, find the image input
 * and the logits, probe tensor shapes, list candidate layers and pick the default.
 */
import { decodeModel, defaultOpset, type ModelProto } from '../onnx/proto.js';
import { probeShapes, type ShapeMap } from '../onnx/shapes.js';
import type { ModelRunner } from '../runtime/runner.js';
import { findImageInput, type ImageInput } from './input.js';
import { findLogits, type Logits } from './logits.js';
import { candidateLayers, defaultLayer, type CandidateLayer } from './layers.js';

/** Opsets the prepare tool is tested on; others are tried with a warning. */
export const TESTED_OPSETS = { min: 13, max: 17 } as const;

/** What prepare learns about a source model before changing it. */
export interface Analysis {
  model: ModelProto;
  opset: number;
  input: ImageInput;
  shapes: ShapeMap;
  logits: Logits;
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
export async function analyseModel(bytes: Uint8Array, runner: ModelRunner, inputSize?: readonly [number, number]): Promise<Analysis> {
  const t0 = performance.now();
  const model = decodeModel(bytes);
  const opset = defaultOpset(model);
  const notes: string[] = [];
  if (opset < TESTED_OPSETS.min || opset > TESTED_OPSETS.max) {
    notes.push(`The model uses opset ${opset}; prepare is tested on opsets ${TESTED_OPSETS.min}-${TESTED_OPSETS.max}. Trying anyway: check the result, or re-export with opset_version=17.`);
  }
  const input = findImageInput(model, inputSize);
  const t1 = performance.now();
  const shapes = await probeShapes(model, runner);
  const t2 = performance.now();
  const logits = findLogits(model, shapes);
  notes.push(...logits.notes);
  const size: [number, number] = input.layout === 'NCHW' ? [input.shape[2], input.shape[3]] : [input.shape[1], input.shape[2]];
  const candidates = candidateLayers(model, shapes, input.name, logits.name, { layout: input.layout, size });
  const timings = { decode: t1 - t0, probe: t2 - t1 };
  try {
    return { model, opset, input, shapes, logits, candidates, defaultLayer: defaultLayer(model, candidates), notes, timings };
  } catch (err) {
    // with ambiguous layouts a --layer (and --layout) still works: the error only stands when no layer is named
    if ((err as { code?: string }).code !== 'bad_option') throw err;
    return { model, opset, input, shapes, logits, candidates, defaultError: err as Error, notes: [...notes, (err as Error).message], timings };
  }
}
