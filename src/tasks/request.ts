/**
 * @module
 * A request's task options checked before any work (a bad `region=` or `vector=` is a 400 before the model
 * runs) and their canonical form for the explanation id, which is computed before the model runs: it holds
 * what was asked (class or none, region, box index and NMS settings, direction), not what the output
 * resolved it to (that follows from the image and the model, which the id also covers). `targetFree`: the
 * method reads no gradient (Eigen-CAM), so an embedding request needs no direction.
 */
import type { TaskSpec } from '../manifest.js';
import { parseBoxesOption, parseDetectOptions } from './detect-options.js';
import { indexTarget, vectorTarget } from './embed.js';
import { optionError } from './option-error.js';
import { parseRegion } from './region.js';
import type { TaskRequest } from './resolve.js';
import { checkTaskOptions } from './task-options.js';

/** A checked request and its canonical target for the id. */
export interface PlannedTaskRequest {
  request: TaskRequest;
  key: Record<string, unknown>;
}

/**
 * @example
 * planTaskRequest(task, { box: '2', conf: '0.4' }, null, 640, 640).key; // { task: 'detect', box: 2, boxes: 'one', conf: 0.4, iou: 0.45, maxDet: 300 }
 */
export function planTaskRequest(
  task: TaskSpec,
  raw: Omit<TaskRequest, 'classIndex'>,
  classIndex: number | null,
  inputWidth: number,
  inputHeight: number,
  targetFree = false,
): PlannedTaskRequest {
  const present = Object.entries(raw)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
  checkTaskOptions(task, [...present, ...(classIndex !== null ? ['class'] : [])]);
  const request: TaskRequest = { ...raw, classIndex };
  switch (task.kind) {
    case 'segment': {
      const r = raw.region === undefined ? null : parseRegion(raw.region, inputWidth, inputHeight);
      return { request, key: { task: 'segment', class: classIndex, region: r ? [r.x0, r.y0, r.x1, r.y1] : null } };
    }
    case 'detect': {
      const o = parseDetectOptions(raw);
      if (raw.box !== undefined && !/^\d+$/.test(raw.box))
        throw optionError('box', `needs a detection index 0, 1, ... (0 = highest score; got '${raw.box}').`);
      return {
        request,
        key: { task: 'detect', box: Number(raw.box ?? 0), boxes: parseBoxesOption(raw.boxes), conf: o.conf, iou: o.iou, maxDet: o.maxDet },
      };
    }
    case 'embed': {
      if (raw.vector !== undefined && raw.index !== undefined) throw optionError('vector', "give either 'vector' or 'index', not both.");
      if (raw.vector === undefined && raw.index === undefined) {
        if (targetFree) return { request, key: { task: 'embed' } };
        throw optionError(
          'vector',
          `an embedding model explains a direction: send vector= (${task.dimensions} comma-separated numbers) or index= (one of the ${task.dimensions} units).`,
        );
      }
      if (raw.vector !== undefined)
        return { request, key: { task: 'embed', vector: Array.from(vectorTarget(raw.vector, task.dimensions).weights) } };
      return { request, key: { task: 'embed', index: indexTarget(raw.index!, task.dimensions).indices[0] } };
    }
    default:
      return { request, key: { task: task.kind } };
  }
}
