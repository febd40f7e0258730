/**
 * @module
 * The `calibrate` step of prepare: preprocess the calibration images as the service will, find the range
 * of every trunk tensor over them (calibrate.ts), and rewrite the prepared model's trunk to int8
 * arithmetic (quantize-activations.ts), keeping as many of the last convs float as the accuracy check
 * (int8-guard.ts) asks for.
 */
import { DataType, decodeModel, encodeModel, type ModelProto } from '../onnx/proto.js';
import { minMapCorrelation, MIN_MAP_CORRELATION } from './int8-guard.js';
import type { ModelRunner, RunTensor } from '../runtime/runner.js';
import { preprocess } from '../image/preprocess/index.js';
import { preprocessSpecOf } from '../image/preprocess/from-manifest.js';
import type { Analysis } from './analyse.js';
import { activationRanges, trunkNodes, trunkTensors } from './calibrate.js';
import { quantizeActivations, type ActivationReport } from './quantize-activations.js';
import type { checkOptions } from './options.js';

/** How many of the calibration images the accuracy check runs. */
export const CHECK_IMAGES = 8;

/** At most this many convs before the explained layers are kept in float by the accuracy check. */
export const MAX_FLOAT_TAIL = 8;

/** What the int8 trunk became: ops by kind, and the accuracy check's outcome. */
export interface Int8Report extends ActivationReport {
  /** How many of the last convs before the explained layers stay float. */
  floatTail: number;
  /** The smallest Grad-CAM map correlation with the float model over the calibration images. */
  mapCorrelation: number;
}

/**
 * Calibrate on `opts.calibrate` and quantize the trunk of `prepared` (in place) up to `layers`.
 *
 * @example
 * const report = await int8Activations(analysis, prepared, ['layer4'], opts, runner, 'gradcam_seed'); // report.int8.QLinearConv
 */
export async function int8Activations(
  a: Analysis,
  prepared: ModelProto,
  layers: readonly string[],
  opts: ReturnType<typeof checkOptions>,
  runner: ModelRunner,
  seed: string,
): Promise<Int8Report> {
  const source = a.model.graph!;
  const trunk = trunkNodes(source, layers);
  const tensors = trunkTensors(source, trunk, (t) => (a.shapes.get(t)?.elemType ?? DataType.FLOAT) === DataType.FLOAT);
  const spec = preprocessSpecOf({ ...a.input, mean: opts.mean, std: opts.std, resize: opts.resize, crop: opts.crop });
  const images: RunTensor[] = opts.calibrate!.map((img) => {
    const p = preprocess(img, spec);
    return { type: 'float32', dims: [...p.dims], data: p.data };
  });
  const ranges = await activationRanges(encodeModel, a.model, tensors, a.input.name, images, runner);
  const convs = trunk.filter((n) => n.opType === 'Conv').map((n) => n.output[0]!);
  const referenceBytes = encodeModel(prepared);
  const reference = { model: prepared, session: await runner.createSession(referenceBytes) };
  const io = { input: a.input.name, seed, logits: a.logits.name, classes: a.logits.classes, layers };
  try {
    for (let tail = 0; ; tail++) {
      const floatConvs = new Set(convs.slice(convs.length - tail));
      const candidate = decodeModel(referenceBytes);
      const report = quantizeActivations(
        candidate,
        layers,
        ranges,
        a.logits.name,
        (n) => n.opType === 'Conv' && floatConvs.has(n.output[0]!),
      );
      const session = await runner.createSession(encodeModel(candidate));
      const r = await minMapCorrelation(reference, session, images.slice(0, CHECK_IMAGES), io).finally(() => session.release());
      if (r >= MIN_MAP_CORRELATION || tail >= Math.min(MAX_FLOAT_TAIL, convs.length)) {
        prepared.graph = candidate.graph;
        prepared.opsetImport = candidate.opsetImport;
        return { ...report, floatTail: tail, mapCorrelation: r };
      }
    }
  } finally {
    await reference.session.release();
  }
}
