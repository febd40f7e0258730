/**
 * @module
 * Which request options belong to which task: `class=` (classify, segment), `region=` (segment), `box=`,
 * `boxes=`, `conf=`, `iou=`, `max_det=` (detect), `vector=`, `index=` (embed). An option sent to a model of
 * another task is a 400 `bad_option` saying which models take it, never silently ignored.
 */
import type { TaskSpec } from '../manifest.js';
import { optionError } from './option-error.js';

/** The task options and the tasks that take them. */
export const TASK_OPTIONS: Readonly<Record<string, readonly TaskSpec['kind'][]>> = {
  class: ['classify', 'segment'],
  region: ['segment'],
  box: ['detect'],
  boxes: ['detect'],
  conf: ['detect'],
  iou: ['detect'],
  max_det: ['detect'],
  vector: ['embed'],
  index: ['embed'],
};

const NOUN: Readonly<Record<TaskSpec['kind'], string>> = {
  classify: 'classifiers',
  segment: 'segmentation models',
  detect: 'detection models',
  embed: 'embedding models',
};

/**
 * Throws for the first option in `present` (names of the options the request set) that the task does not take.
 *
 * @example
 * checkTaskOptions({ kind: 'classify' }, ['box']); // 400: Option 'box': applies to detection models; this model is a classifier.
 */
export function checkTaskOptions(task: TaskSpec, present: readonly string[]): void {
  for (const name of present) {
    const tasks = TASK_OPTIONS[name];
    if (!tasks || tasks.includes(task.kind)) continue;
    const article = { classify: 'a classifier', segment: 'a segmentation model', detect: 'a detection model', embed: 'an embedding model' }[
      task.kind
    ];
    throw optionError(name, `applies to ${tasks.map((t) => NOUN[t]).join(' and ')}; this model is ${article}.`);
  }
}
