/**
 * Seeded synthetic scenes with known answers, for training the default model and for
 * measuring whether explanations point at the evidence (in the spirit of BlockMNIST,
 * Shah et al. 2021). Pure TypeScript without Node APIs: runs in Node, workerd and browsers.
 *
 * Determinism: every random draw comes from mulberry32 ({@link createRng}) seeded from
 * the scene seed through {@link deriveSeed}, one stream per concern (layout, background,
 * object appearance, distractors, grain), so a scene is a pure function of its options.
 * @module
 */
export { renderScene } from './render.js';
export type { Box, PaintedScene, Scene, SceneKind, SceneObject, SceneOptions } from './render.js';
export type { PaintedDistractor } from './background.js';
export { TEXTURES } from './palette.js';
export type { Texture } from './palette.js';
export { CLASS_LABELS, SHAPES } from './shapes.js';
export type { ShapeClass } from './shapes.js';
export { createRng, deriveSeed } from './prng.js';
export type { Rng } from './prng.js';
export { localFrame } from './raster.js';
export type { Placement } from './raster.js';
