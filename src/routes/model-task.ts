/**
 * @module
 * What GET /v1/models says about a model's task: the class count (the classifier's K, the segmenter's K
 * per-pixel classes, the detector's C; an embedding model has none), the task's sizes, the target options
 * it takes, and which methods work on it (task models take the CAM methods that need no reruns with class
 * seeds; pixel-level and attention methods are for classifiers).
 */
import { z } from '@hono/zod-openapi';
import { camMethod, METHOD_NAMES } from '../cam/registry.js';
import { classCount } from '../explain/model-feed.js';
import { taskOf, type Manifest } from '../manifest.js';
import { TASK_OPTIONS } from '../tasks/task-options.js';

/** The task part of a model's description. */
export const ModelTaskSchema = z
  .object({
    kind: z.enum(['classify', 'segment', 'detect', 'embed']),
    /** The explained output's dims after the batch ([K], [K, H, W], [4 + C, A] / [A, 4 + C], [D]). */
    output: z.array(z.number().int()),
    /** Embedding models: the embedding's size D (what `vector=` must have). */
    dimensions: z.number().int().optional(),
    /** The target options this task takes (`class`, `region`, `box`, ...). */
    options: z.array(z.string()),
  })
  .openapi('ModelTask');

/** Classify-only target options (not task options of src/tasks). */
const CLASSIFIER_OPTIONS = ['top', 'versus', 'counterfactual'];

/**
 * The number of classes of a model: K of a classifier or segmenter, C of a detector, 0 for an embedding.
 *
 * @example
 * modelClasses(yoloManifest); // 80 (not the 84 fields of its [84, 8400] seed row)
 */
export function modelClasses(m: Manifest): number {
  const task = taskOf(m);
  if (task.kind === 'classify') return classCount(m);
  return task.kind === 'embed' ? 0 : task.classes;
}

/** The task part of GET /v1/models/{id}. */
export function modelTask(m: Manifest): z.infer<typeof ModelTaskSchema> {
  const task = taskOf(m);
  const options = Object.entries(TASK_OPTIONS)
    .filter(([, tasks]) => tasks.includes(task.kind))
    .map(([name]) => name);
  return {
    kind: task.kind,
    output: m.seed.shape.slice(1).map(Number),
    ...(task.kind === 'embed' ? { dimensions: task.dimensions } : {}),
    options: task.kind === 'classify' ? [...options, ...CLASSIFIER_OPTIONS] : options,
  };
}

/** The CAM methods a task model takes: those that need no reruns with class seeds. */
export function taskCamMethods(): string[] {
  return METHOD_NAMES.filter((name) => !camMethod(name)!.needsModel);
}
