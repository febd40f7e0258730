/**
 * @module
 * The registry of pixel-level methods: one line per method, as src/cam/registry.ts lists the CAM methods.
 * The API's `method=` option accepts these names besides the CAM methods'.
 */
import type { PixelMethod } from './base.js';
import { guidedGradCam } from './guided-grad-cam.js';
import { saliency } from './saliency.js';
import { smoothGrad } from './smoothgrad.js';

const METHODS: readonly PixelMethod[] = [saliency, smoothGrad, guidedGradCam];

/** Names of the pixel-level methods in the API (`method=`). */
export const PIXEL_METHODS: readonly string[] = METHODS.map((m) => m.name);

/** The pixel-level method called `name`, or undefined. */
export function pixelMethod(name: string): PixelMethod | undefined {
  return METHODS.find((m) => m.name === name);
}

/** True when `name` is a pixel-level method. */
export function isPixelMethod(name: string): boolean {
  return pixelMethod(name) !== undefined;
}

export type { PixelInput, PixelMethod, PixelNeeds } from './base.js';
