/**
 * @module
 * Command line of the quality benchmark (`npm run quality -- [options]`).
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { PassOptions } from './phases.js';

export const QUALITY_USAGE = `Usage: npm run quality -- [options]
  --model <prepared.onnx>   the prepared model (manifest beside it as .json); default models/default.onnx
  --source <model.onnx>     its source model, for the pixel-level rows (saliency baseline, smoothgrad, guided-gradcam)
                            when the model has no input gradients (default: the manifest's source.file next to the model)
  --scenes N                single-object scenes (default 500)
  --pairs N                 two-object scenes, each explained for both classes (default 500)
  --deletion-scenes N       scenes with deletion/insertion curves (default 50)
  --sanity-scenes N         scenes compared with the randomised model (default 100)
  --model-method-scenes N   scenes and pairs for the methods that run the model again per map (scorecam,
                            smoothgradcam++, smoothgrad; default 30)
  --steps N                 deletion/insertion steps (default 10: 10 % of the pixels per step)
  --tolerance PX            pointing-game tolerance in pixels (default: 15 px scaled from 384 px to the input side)
  --threads N               onnxruntime-web threads (default 1: as in a Worker, and faster than 2 on a busy 2-core machine)
  --quick                   100 scenes, 100 pairs, 20 deletion, 30 sanity and 20 model-method scenes; prints only
  --out <file>              the report (default docs/quality.md for models/default.onnx, docs/quality-<name>.md for
                            models/<name>.onnx, e.g. docs/quality-scenes-vit.md; written only by runs of >= 500
                            scenes and pairs)
`;

/** The default model's report file; any other prepared model's goes beside it, named after the model. */
export function defaultReportPath(model: string): string {
  const name = basename(model).replace(/\.onnx$/, '');
  return name === 'default' ? 'docs/quality.md' : `docs/quality-${name}.md`;
}

/** Parsed options. */
export interface QualityOptions extends Omit<PassOptions, 'tolerance'> {
  model: string;
  source?: string;
  tolerance?: number;
  threads: number;
  quick: boolean;
  out?: string;
}

function int(name: string, text: string | undefined, dflt: number, min = 0): number {
  if (text === undefined) return dflt;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name} needs an integer >= ${min} (got "${text}")`);
  return v;
}

/** Parses the arguments after the script name. */
export function parseQualityArgs(args: string[]): QualityOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      model: { type: 'string' },
      source: { type: 'string' },
      scenes: { type: 'string' },
      pairs: { type: 'string' },
      'deletion-scenes': { type: 'string' },
      'sanity-scenes': { type: 'string' },
      'model-method-scenes': { type: 'string' },
      steps: { type: 'string' },
      tolerance: { type: 'string' },
      threads: { type: 'string' },
      quick: { type: 'boolean' },
      out: { type: 'string' },
      batch: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(QUALITY_USAGE);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const tolerance = values.tolerance === undefined ? undefined : Number(values.tolerance);
  if (tolerance !== undefined && !(tolerance >= 0)) throw new Error(`--tolerance needs a number >= 0 (got "${values.tolerance}")`);
  const scenes = int('scenes', values.scenes, quick ? 100 : 500, 1),
    pairs = int('pairs', values.pairs, quick ? 100 : 500, 1);
  const model = values.model ?? 'models/default.onnx';
  return {
    model,
    source: values.source,
    scenes,
    pairs,
    deletionScenes: int('deletion-scenes', values['deletion-scenes'], quick ? 20 : 50),
    sanityScenes: int('sanity-scenes', values['sanity-scenes'], quick ? 30 : 100),
    modelMethodScenes: int('model-method-scenes', values['model-method-scenes'], quick ? 20 : 30),
    steps: int('steps', values.steps, 10, 1),
    tolerance,
    threads: int('threads', values.threads, 1, 1),
    batch: int('batch', values.batch, 16, 2),
    quick,
    out: values.out ?? (quick || scenes < 500 || pairs < 500 ? undefined : defaultReportPath(model)),
  };
}
