/**
 * @module
 * Feeding and reading the default task target built inside the prepared model (manifest `seed.task`,
 * src/prepare/task-target.ts): the inputs that ask for it (build = 1; a segmentation's class, -1 for the
 * default, and its region as a mask over the output grid, made by the same regionCells the TypeScript
 * target uses) and the check that the graph explained what the TypeScript decoding of the same output
 * says the target is.
 */
import { ApiError } from '../errors.js';
import type { Manifest, TaskSpec } from '../manifest.js';
import type { RunTensor } from '../runtime/runner.js';
import { parseRegion, regionCells } from '../tasks/region.js';
import type { TaskRequest, TaskSummary } from '../tasks/resolve.js';

const int64 = (value: number): RunTensor => ({ type: 'int64', dims: [1], data: BigInt64Array.of(BigInt(value)) });

/**
 * The feeds that make the model build `request`'s default target, and the outputs to fetch.
 *
 * @example
 * taskTargetFeeds(manifest, { classIndex: null, region: '0,0,32,64' }, 64, 64).feeds; // build [1], class [-1], region [64, 64]
 */
export function taskTargetFeeds(
  manifest: Manifest,
  request: TaskRequest,
  inputWidth: number,
  inputHeight: number,
): { feeds: Record<string, RunTensor>; fetches: string[] } {
  const spec = manifest.seed.task!;
  const task = manifest.task as TaskSpec;
  const feeds: Record<string, RunTensor> = { [spec.build]: int64(1) };
  if (task.kind === 'segment') {
    feeds[spec.class!] = int64(request.classIndex ?? -1);
    const region = request.region === undefined ? null : parseRegion(request.region, inputWidth, inputHeight);
    feeds[spec.region!] = region
      ? {
          type: 'float32',
          dims: [task.height, task.width],
          data: Float32Array.from(regionCells(region, task.width, task.height, inputWidth, inputHeight)),
        }
      : { type: 'float32', dims: [1, 1], data: Float32Array.of(1) };
  }
  return { feeds, fetches: [spec.chosenClass, ...(spec.chosenAnchor ? [spec.chosenAnchor] : [])] };
}

function chosen(out: Record<string, RunTensor>, name: string): number {
  const t = out[name];
  if (!t || !(t.data instanceof BigInt64Array) || t.data.length < 1)
    throw new ApiError(500, 'internal', 'the model did not report the target it explained');
  return Number(t.data[0]);
}

/**
 * Whether the graph's target (its `chosenClass` / `chosenAnchor` outputs) is the one `summary` resolved from
 * the same output: the same segment class, or detection 0 at the same anchor and class.
 */
export function graphAgrees(manifest: Manifest, out: Record<string, RunTensor>, summary: TaskSummary): boolean {
  const spec = manifest.seed.task!;
  const classIndex = chosen(out, spec.chosenClass);
  if (summary.task === 'segment') return summary.classIndex === classIndex && summary.pixels > 0;
  if (summary.task !== 'detect' || summary.box !== 0) return false;
  const top = summary.detections[0]!;
  return top.classIndex === classIndex && top.anchor === chosen(out, spec.chosenAnchor!);
}
