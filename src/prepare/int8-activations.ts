/**
 * @module
 * The `calibrate` step of prepare: preprocess the calibration images as the service will, find the range
 * of every trunk tensor over them (calibrate.ts), and rewrite the prepared model's trunk to int8
 * arithmetic (quantize-activations.ts).
 */
import { DataType, encodeModel, type ModelProto } from '../onnx/proto.js';
import type { ModelRunner, RunTensor } from '../runtime/runner.js';
import { preprocess } from '../image/preprocess/index.js';
import { preprocessSpecOf } from '../image/preprocess/from-manifest.js';
import type { Analysis } from './analyse.js';
import { activationRanges, trunkNodes, trunkTensors } from './calibrate.js';
import { quantizeActivations, type ActivationReport } from './quantize-activations.js';
import type { checkOptions } from './options.js';

export type { ActivationReport } from './quantize-activations.js';

/**
 * Calibrate on `opts.calibrate` and quantize the trunk of `prepared` (in place) up to `layers`.
 *
 * @example
 * const report = await int8Activations(analysis, prepared, ['layer4'], opts, runner); // report.int8.QLinearConv
 */
export async function int8Activations(a: Analysis, prepared: ModelProto, layers: readonly string[], opts: ReturnType<typeof checkOptions>, runner: ModelRunner): Promise<ActivationReport> {
  const source = a.model.graph!;
  const trunk = trunkNodes(source, layers);
  const tensors = trunkTensors(source, trunk, (t) => (a.shapes.get(t)?.elemType ?? DataType.FLOAT) === DataType.FLOAT);
  const spec = preprocessSpecOf({ ...a.input, mean: opts.mean, std: opts.std, resize: opts.resize, crop: opts.crop });
  const images: RunTensor[] = opts.calibrate!.map((img) => {
    const p = preprocess(img, spec);
    return { type: 'float32', dims: [...p.dims], data: p.data };
  });
  const ranges = await activationRanges(encodeModel, a.model, tensors, a.input.name, images, runner);
  return quantizeActivations(prepared, layers, ranges, a.logits.name);
}
