/**
 * @module
 * The registry of CAM methods: one line per method. The API's `method=` option accepts these names.
 */
import type { CamMethod } from './base.js';
import { GradCam } from './grad-cam.js';

const METHODS: readonly CamMethod[] = [new GradCam()];

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
