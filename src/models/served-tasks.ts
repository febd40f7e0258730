/**
 * @module
 * Which tasks the explain service serves (manifest `task`: classify, segment, detect, embed). A manifest of
 * another task (written by a newer prepare) is refused with a clear error instead of being run with
 * classifier seeds.
 */
import { ApiError } from '../errors.js';
import { taskOf, type Manifest } from '../manifest.js';

/** Tasks the explain route handles. */
export const SERVED_TASKS: readonly string[] = ['classify', 'segment', 'detect', 'embed'];

/**
 * Throws 422 `invalid_model` when the manifest's task is not served.
 *
 * @example
 * checkServedTask(manifest, 'This upload');
 */
export function checkServedTask(manifest: Pick<Manifest, 'task'>, what: string): void {
  const kind = taskOf(manifest).kind;
  if (SERVED_TASKS.includes(kind)) return;
  throw new ApiError(
    422,
    'invalid_model',
    `${what} was prepared for task '${kind}'; this service explains only task ${SERVED_TASKS.map((t) => `'${t}'`).join(', ')} so far. Use the prepared model and its manifest with another ONNX runtime, or prepare a classifier.`,
    { task: kind },
  );
}
