/**
 * Renders one scene: a cluttered background, distractors, and one or two objects of known
 * class with their ground-truth masks. Everything is a pure function of the options.
 * @module
 */
import { paintBackground, paintDistractors, type PaintedDistractor } from './background.js';
import { contrastingColour, texturedFill, TEXTURES, type Rgb, type Texture } from './palette.js';
import { createRng, deriveSeed, type Rng } from './prng.js';
import { composite, shapeCoverage, type Placement } from './raster.js';
import { SHAPES } from './shapes.js';

/**
 * Scene kinds: one object; two objects of different classes that do not overlap; or one to
 * three objects of different classes that do not overlap ('multi', for detectors and segmenters).
 */
export type SceneKind = 'single' | 'pair' | 'multi';

/** Options of {@link renderScene}. */
export interface SceneOptions {
  /** Any 32-bit integer; the scene is a pure function of the options. */
  seed: number;
  /** Width and height in pixels (default 160). */
  size?: number;
  /** 'single' (default), 'pair' or 'multi'. */
  kind?: SceneKind;
  /**
   * Class indices to draw (one for 'single', two different ones for 'pair', one to three different
   * ones for 'multi'); random when omitted ('multi' then draws one to three objects).
   */
  classes?: readonly number[];
  /**
   * Test aid: the same objects at the same places, drawn solid white on flat black with no
   * clutter or noise, so pixel brightness equals coverage.
   */
  plain?: boolean;
  /** Also return {@link Scene.painted}: what was drawn where (for concept masks); the image is the same. */
  record?: boolean;
}

/** An axis-aligned box in pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One object of a scene with its ground truth. */
export interface SceneObject {
  classIndex: number;
  label: string;
  /** 1 where the object covers more than half of the pixel, else 0; row-major, width x height. */
  mask: Uint8Array;
  /** Tight box around the mask. */
  bbox: Box;
  /** Where the shape was placed (centre, radius in pixels, rotation, aspect). */
  placement: Placement;
}

/** A rendered scene. */
export interface Scene {
  /** RGB, 3 bytes per pixel, row-major (HWC). */
  image: Uint8Array;
  width: number;
  height: number;
  objects: SceneObject[];
  /** With `record` (and not `plain`): each object's texture, and the distractors in drawing order. */
  painted?: PaintedScene;
}

/** What a cluttered scene drew besides the background: object textures (object order) and distractors. */
export interface PaintedScene {
  objectTextures: Texture[];
  distractors: PaintedDistractor[];
}

const STREAM = { layout: 0, background: 1, objects: 2, distractors: 3, grain: 4 } as const;

/**
 * Renders a scene.
 * @example
 * const scene = renderScene({ seed: 7, size: 160, kind: 'pair' });
 * scene.objects.map((o) => o.label); // two different labels, each with its mask
 */
export function renderScene(options: SceneOptions): Scene {
  const size = options.size ?? 160;
  const kind = options.kind ?? 'single';
  const layoutRng = createRng(deriveSeed(options.seed, STREAM.layout));
  const classes = options.classes ?? drawClasses(layoutRng, objectCount(layoutRng, kind));
  checkClasses(classes, kind);
  const placements = placeObjects(layoutRng, classes, size, kind);
  const canvas = new Float32Array(size * size * 3);
  const coverages = classes.map((c, i) => shapeCoverage(SHAPES[c]!.inside, SHAPES[c]!.extent, placements[i]!, size));
  let painted: PaintedScene | undefined;
  if (options.plain) {
    for (const coverage of coverages) composite(canvas, coverage, () => [255, 255, 255], size);
  } else {
    painted = paintClutteredScene(options.seed, canvas, coverages, size);
  }
  const objects = classes.map((c, i) => describeObject(c, coverages[i]!, placements[i]!, size));
  return { image: toBytes(canvas), width: size, height: size, objects, ...(options.record && painted ? { painted } : {}) };
}

/** How many objects a scene of this kind draws when its classes are not given. */
function objectCount(rng: Rng, kind: SceneKind): number {
  if (kind === 'multi') return 1 + rng.int(3);
  return kind === 'pair' ? 2 : 1;
}

/** `count` different classes; the first two draws are the ones 'single' and 'pair' always made. */
function drawClasses(rng: Rng, count: number): number[] {
  const first = rng.int(SHAPES.length);
  if (count === 1) return [first];
  const out = [first, (first + 1 + rng.int(SHAPES.length - 1)) % SHAPES.length];
  while (out.length < count) {
    const next = rng.int(SHAPES.length);
    if (!out.includes(next)) out.push(next);
  }
  return out;
}

function checkClasses(classes: readonly number[], kind: SceneKind): void {
  if (kind === 'multi') {
    if (classes.length < 1 || classes.length > 3) throw new RangeError(`a 'multi' scene needs 1 to 3 classes`);
  } else {
    const expected = kind === 'pair' ? 2 : 1;
    if (classes.length !== expected) throw new RangeError(`a '${kind}' scene needs ${expected} class(es)`);
  }
  for (const c of classes) if (!Number.isInteger(c) || c < 0 || c >= SHAPES.length) throw new RangeError(`no class ${c}`);
  if (new Set(classes).size !== classes.length) throw new RangeError(`a '${kind}' scene needs different classes`);
}

/** Random placements fully inside the image; with several objects their bounding discs do not touch. */
function placeObjects(rng: Rng, classes: readonly number[], size: number, kind: SceneKind): Placement[] {
  const [lo, hi] = kind === 'single' ? [0.13, 0.3] : [0.1, 0.2];
  const out: Placement[] = [];
  for (const c of classes) {
    const extent = SHAPES[c]!.extent;
    let candidate = randomPlacement(rng, extent, size, lo, hi);
    for (let attempt = 0; attempt < 60 && out.some((p) => overlaps(p, candidate, extent)); attempt++) {
      candidate = randomPlacement(rng, extent, size, lo, attempt > 30 ? lo : hi);
    }
    out.push(candidate);
  }
  return out;
}

function randomPlacement(rng: Rng, extent: number, size: number, lo: number, hi: number): Placement {
  const radius = rng.range(lo, hi) * size,
    aspect = rng.range(0.85, 1.15);
  const reach = radius * extent * Math.max(aspect, 1 / aspect) + 1;
  return {
    cx: rng.range(reach, size - reach),
    cy: rng.range(reach, size - reach),
    radius,
    rotation: rng.range(0, 2 * Math.PI),
    aspect,
  };
}

function overlaps(a: Placement, b: Placement, extentB: number): boolean {
  const reachA = a.radius * 1.15 * Math.max(a.aspect, 1 / a.aspect);
  const reachB = b.radius * extentB * Math.max(b.aspect, 1 / b.aspect);
  return Math.hypot(a.cx - b.cx, a.cy - b.cy) < reachA + reachB + 2;
}

/** Background, distractors (half of them in the objects' own colours), objects, then grain. */
function paintClutteredScene(seed: number, canvas: Float32Array, coverages: Float32Array[], size: number): PaintedScene {
  const bgRng = createRng(deriveSeed(seed, STREAM.background));
  const base = paintBackground(bgRng, canvas, size);
  const objRng = createRng(deriveSeed(seed, STREAM.objects));
  const colours = coverages.map(() => objectColours(objRng, base));
  const distractorRng = createRng(deriveSeed(seed, STREAM.distractors));
  const distractors = paintDistractors(distractorRng, canvas, size, 2 + distractorRng.int(6), 1 + distractorRng.int(5), colours.flat());
  const objectTextures = coverages.map((coverage, i) => {
    const [main, second] = colours[i]!;
    const texture = objRng.pick(TEXTURES);
    composite(canvas, coverage, texturedFill(objRng, texture, main, second, size), size);
    return texture;
  });
  addGrain(createRng(deriveSeed(seed, STREAM.grain)), canvas);
  return { objectTextures, distractors };
}

/** A main colour that stands out from the background, and a lighter or darker companion for textures. */
function objectColours(rng: Rng, background: readonly Rgb[]): [Rgb, Rgb] {
  const main = contrastingColour(rng, background, 130);
  const towards = rng.next() < 0.5 ? 0 : 255,
    t = rng.range(0.3, 0.55);
  const second: Rgb = [main[0] + (towards - main[0]) * t, main[1] + (towards - main[1]) * t, main[2] + (towards - main[2]) * t];
  return [main, second];
}

/** Uniform per-pixel noise of a random amplitude up to 10 levels. */
function addGrain(rng: Rng, canvas: Float32Array): void {
  const amp = rng.range(0, 10);
  for (let i = 0; i < canvas.length; i++) canvas[i] = canvas[i]! + (rng.next() * 2 - 1) * amp;
}

function describeObject(classIndex: number, coverage: Float32Array, placement: Placement, size: number): SceneObject {
  const mask = new Uint8Array(size * size);
  let x0 = size,
    y0 = size,
    x1 = -1,
    y1 = -1;
  for (let i = 0; i < coverage.length; i++) {
    if (coverage[i]! <= 0.5) continue;
    mask[i] = 1;
    const x = i % size,
      y = Math.floor(i / size);
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  const bbox = x1 < 0 ? { x: 0, y: 0, width: 0, height: 0 } : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  return { classIndex, label: SHAPES[classIndex]!.label, mask, bbox, placement };
}

function toBytes(canvas: Float32Array): Uint8Array {
  const out = new Uint8Array(canvas.length);
  for (let i = 0; i < canvas.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(canvas[i]!)));
  return out;
}
