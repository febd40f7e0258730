/**
 * @module
 * One request's target on a segmentation, detection or embedding model, from the model's own output for
 * the image (one forward run): the linear functional to explain (its seed row), what the JSON reports
 * (classes present, detections), and the canonical target for the explanation id. The engine calls this
 * between the forward run and the gradient run; classifiers keep their own path.
 */
import type { TaskSpec } from '../manifest.js';
import type { Corners } from './boxes.js';
import { parseBoxesOption, parseDetectOptions, pickDetection } from './detect-options.js';
import { detect } from './detections.js';
import { indexTarget, vectorTarget } from './embed.js';
import type { InputGeometry } from './input-to-image.js';
import { optionError } from './option-error.js';
import { ApiError } from '../errors.js';
import { parseRegion } from './region.js';
import { argmaxClasses, classShares, defaultSegmentClass, segmentTarget } from './segment.js';
import type { SparseTarget } from './target.js';

/** The request's task options (raw strings; `classIndex` already resolved from `class=` by the route). */
export interface TaskRequest {
  classIndex?: number | null;
  region?: string;
  box?: string;
  boxes?: string;
  conf?: string;
  iou?: string;
  max_det?: string;
  vector?: string | readonly unknown[];
  index?: string;
}

/** What the JSON output reports about the target. */
export type TaskSummary =
  | {
      task: 'segment';
      classIndex: number;
      label: string | null;
      region: Corners | null;
      pixels: number;
      classes: { classIndex: number; label: string | null; pixels: number; share: number }[];
    }
  | {
      task: 'detect';
      box: number | null;
      boxes: 'one' | 'all';
      detections: { classIndex: number; label: string | null; score: number; box: Corners; anchor: number }[];
    }
  | { task: 'embed'; target: 'vector' | 'index' | 'none'; index?: number };

/** The resolved target. */
export interface ResolvedTarget {
  /** Null only with `targetFree` when the request names no target that exists (no detection, no direction). */
  target: SparseTarget | null;
  summary: TaskSummary;
  /** Everything about the target that changes the answer, for the explanation id. */
  key: Record<string, unknown>;
}

const labelOf = (labels: readonly string[] | null, i: number) => labels?.[i] ?? null;

/** Runs `f`; with `optional`, a 400 it throws (no such target in this output) gives null instead. */
function maybe<T>(optional: boolean, f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    if (optional && e instanceof ApiError && e.status === 400) return null;
    throw e;
  }
}

/**
 * `targetFree`: the method reads no gradient (Eigen-CAM), so a target is optional: an empty segment, no
 * detection or no direction give a null target (the summary still lists what the output holds).
 *
 * @example
 * const r = resolveTaskTarget(manifest.task, output, { box: '0' }, { labels: manifest.labels, geometry });
 * // r.target -> seed row (denseSeed), r.summary.detections -> JSON
 */
export function resolveTaskTarget(
  task: TaskSpec,
  output: ArrayLike<number>,
  req: TaskRequest,
  ctx: { labels: readonly string[] | null; geometry: InputGeometry },
  targetFree = false,
): ResolvedTarget {
  const { inputWidth, inputHeight } = ctx.geometry;
  switch (task.kind) {
    case 'segment': {
      const shape = { classes: task.classes, height: task.height, width: task.width };
      const argmax = argmaxClasses(output, shape);
      const shares = classShares(argmax, task.classes);
      const c = req.classIndex ?? defaultSegmentClass(shares, task.background);
      const region = req.region === undefined ? null : parseRegion(req.region, inputWidth, inputHeight);
      const target = maybe(targetFree, () => segmentTarget(argmax, shape, c, region, inputWidth, inputHeight));
      const classes = shares.map((s) => ({ ...s, label: labelOf(ctx.labels, s.classIndex) }));
      return {
        target,
        summary: { task: 'segment', classIndex: c, label: labelOf(ctx.labels, c), region, pixels: target?.indices.length ?? 0, classes },
        key: { task: 'segment', class: c, region: region ? [region.x0, region.y0, region.x1, region.y1] : null },
      };
    }
    case 'detect': {
      const options = parseDetectOptions(req);
      const boxes = parseBoxesOption(req.boxes);
      const dets = detect(output, task, options, ctx.geometry);
      const chosen = maybe(targetFree, () => pickDetection(dets, req.box, options));
      const detections = dets.map((d) => ({
        classIndex: d.classIndex,
        label: labelOf(ctx.labels, d.classIndex),
        score: d.score,
        box: d.box,
        anchor: d.anchor,
      }));
      const box = chosen ? dets.indexOf(chosen) : null;
      return {
        target: chosen?.target ?? null,
        summary: { task: 'detect', box, boxes, detections },
        key: { task: 'detect', box, boxes, conf: options.conf, iou: options.iou, maxDet: options.maxDet },
      };
    }
    case 'embed': {
      if (req.vector !== undefined && req.index !== undefined) throw optionError('vector', "give either 'vector' or 'index', not both.");
      if (req.vector === undefined && req.index === undefined) {
        if (targetFree) return { target: null, summary: { task: 'embed', target: 'none' }, key: { task: 'embed' } };
        throw optionError(
          'vector',
          `an embedding model explains a direction: send vector= (${task.dimensions} comma-separated numbers) or index= (one of the ${task.dimensions} units).`,
        );
      }
      const target = req.vector !== undefined ? vectorTarget(req.vector, task.dimensions) : indexTarget(req.index!, task.dimensions);
      const summary: TaskSummary =
        req.vector !== undefined ? { task: 'embed', target: 'vector' } : { task: 'embed', target: 'index', index: target.indices[0]! };
      const key =
        req.vector !== undefined ? { task: 'embed', vector: Array.from(target.weights) } : { task: 'embed', index: target.indices[0] };
      return { target, summary, key };
    }
    default:
      throw new Error(`resolveTaskTarget: task '${task.kind}' has its own path`);
  }
}
