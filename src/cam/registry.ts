/**
 * @module
 * The registry of CAM methods: one line per method. The API's `method=` option accepts these names.
 */
import type { CamMethod } from './base.js';
import { EigenCam } from './eigen-cam.js';
import { EigenGradCam } from './eigen-grad-cam.js';
import { GradCam } from './grad-cam.js';
import { GradCamPlusPlus } from './grad-cam-plus-plus.js';
import { HiResCam } from './hires-cam.js';
import { LayerCam } from './layer-cam.js';
import { NormGrad } from './norm-grad.js';
import { ScoreCam } from './score-cam.js';
import { SmoothGradCamPlusPlus } from './smooth-grad-cam-plus-plus.js';
import { XGradCam } from './xgrad-cam.js';

const METHODS: readonly CamMethod[] = [
  new GradCam(),
  new GradCamPlusPlus(),
  new HiResCam(),
  new XGradCam(),
  new LayerCam(),
  new EigenCam(),
  new EigenGradCam(),
  new NormGrad(),
  new SmoothGradCamPlusPlus(),
  new ScoreCam(),
];

/** Names of the available methods, default first. */
export const METHOD_NAMES: readonly string[] = METHODS.map((m) => m.name);

/** The default method. */
export const DEFAULT_METHOD = 'gradcam';

/** The method called `name`, or undefined. */
export function camMethod(name: string): CamMethod | undefined {
  return METHODS.find((m) => m.name === name);
}

export type { CamInput } from './base.js';
export { CamMethod } from './base.js';
export type { BatchRun, MethodParams, ModelAccess } from './base.js';
