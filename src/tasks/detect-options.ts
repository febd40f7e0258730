/**
 * @module
 * The detection request options: `conf=` and `iou=` (numbers in [0, 1]), `max_det=` (1..1000), `box=i`
 * (which detection to explain, 0 = highest score) and `boxes=all` (draw every detection). Invalid values are
 * 400 `bad_option` saying what to send.
 */
import { DEFAULT_DETECT_OPTIONS, type Detection, type DetectOptions } from './detections.js';
import { optionError } from './option-error.js';

/** Most detections a request may ask for. */
export const MAX_DET_LIMIT = 1000;

/** Raw option values as they arrive (query or form fields). */
export interface RawDetectOptions {
  conf?: string;
  iou?: string;
  max_det?: string;
}

function unit(option: string, text: string | undefined, dflt: number): number {
  if (text === undefined) return dflt;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1) throw optionError(option, `needs a number from 0 to 1 (got '${text}').`);
  return v;
}

/**
 * @example
 * parseDetectOptions({ conf: '0.5' }); // { conf: 0.5, iou: 0.45, maxDet: 300 }
 */
export function parseDetectOptions(raw: RawDetectOptions): DetectOptions {
  const conf = unit('conf', raw.conf, DEFAULT_DETECT_OPTIONS.conf);
  const iou = unit('iou', raw.iou, DEFAULT_DETECT_OPTIONS.iou);
  let maxDet = DEFAULT_DETECT_OPTIONS.maxDet;
  if (raw.max_det !== undefined) {
    maxDet = Number(raw.max_det);
    if (!/^\d+$/.test(raw.max_det) || maxDet < 1 || maxDet > MAX_DET_LIMIT)
      throw optionError('max_det', `needs a whole number from 1 to ${MAX_DET_LIMIT} (got '${raw.max_det}').`);
  }
  return { conf, iou, maxDet };
}

/**
 * The detection `box=` names (default 0, the top detection). With no detection, or an index past the last,
 * a 400 that gives the count and the thresholds to relax.
 *
 * @example
 * pickDetection(dets, '2', options); // dets[2]
 */
export function pickDetection(detections: readonly Detection[], box: string | undefined, options: DetectOptions): Detection {
  const i = box === undefined ? 0 : Number(box);
  if (box !== undefined && !/^\d+$/.test(box))
    throw optionError('box', `needs a detection index 0, 1, ... (0 = highest score; got '${box}').`);
  if (detections.length === 0) {
    throw optionError(
      'box',
      `the model detects nothing above conf=${options.conf} in this image; lower 'conf' or explain with method=eigencam, which needs no target.`,
    );
  }
  if (i >= detections.length)
    throw optionError(
      'box',
      `there are ${detections.length} detection(s) (0..${detections.length - 1}) at conf=${options.conf}, iou=${options.iou}; got ${box}.`,
    );
  return detections[i]!;
}

/** `boxes=`: 'all' draws every detection, 'one' (default) only the explained one. */
export function parseBoxesOption(text: string | undefined): 'one' | 'all' {
  if (text === undefined || text === 'one') return 'one';
  if (text === 'all') return 'all';
  throw optionError('boxes', `needs 'all' or 'one' (got '${text}').`);
}
