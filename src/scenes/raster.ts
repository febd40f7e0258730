/**
 * Anti-aliased rasterisation: coverage of a shape per pixel by 4 x 4 supersampling, and
 * alpha compositing of a coloured fill onto an RGB canvas.
 * @module
 */
import type { InsideTest } from './shapes.js';

/** Samples per pixel side used for coverage. */
export const SUPERSAMPLE = 4;

/** A shape placed in an image: centre, nominal radius in pixels, rotation, aspect stretch. */
export interface Placement {
  cx: number;
  cy: number;
  radius: number;
  /** Rotation in radians (counter-clockwise in image coordinates with y down = clockwise on screen). */
  rotation: number;
  /** Horizontal stretch of the local frame (1 = none); the vertical one is its inverse. */
  aspect: number;
}

/**
 * Coverage in [0, 1] of a placed shape for every pixel of a `size` x `size` image
 * (pixel (x, y) spans [x, x + 1) x [y, y + 1)). Pixels whose centre and whose eight
 * neighbours' centres agree are taken as fully inside or outside; the others (the edge band)
 * are supersampled SUPERSAMPLE x SUPERSAMPLE times.
 */
export function shapeCoverage(inside: InsideTest, extent: number, p: Placement, size: number): Float32Array {
  const coverage = new Float32Array(size * size);
  const reach = p.radius * extent * Math.max(p.aspect, 1 / p.aspect) + 2;
  const x0 = Math.max(0, Math.floor(p.cx - reach)),
    x1 = Math.min(size - 1, Math.ceil(p.cx + reach));
  const y0 = Math.max(0, Math.floor(p.cy - reach)),
    y1 = Math.min(size - 1, Math.ceil(p.cy + reach));
  const test = localTest(inside, p);
  const w = x1 - x0 + 3,
    h = y1 - y0 + 3;
  const centres = new Uint8Array(w * h);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) centres[j * w + i] = test(x0 - 1 + i + 0.5, y0 - 1 + j + 0.5) ? 1 : 0;
  }
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const c = (y - y0 + 1) * w + (x - x0 + 1);
      const sum =
        centres[c - w - 1]! +
        centres[c - w]! +
        centres[c - w + 1]! +
        centres[c - 1]! +
        centres[c]! +
        centres[c + 1]! +
        centres[c + w - 1]! +
        centres[c + w]! +
        centres[c + w + 1]!;
      coverage[y * size + x] = sum === 0 ? 0 : sum === 9 ? 1 : supersample(test, x, y);
    }
  }
  return coverage;
}

/** The shape's inside test in image coordinates. */
function localTest(inside: InsideTest, p: Placement): (x: number, y: number) => boolean {
  const toLocal = localFrame(p);
  return (x, y) => inside(...toLocal(x, y));
}

/**
 * Image coordinates to the placed shape's local unit coordinates (centre at the origin, nominal radius 1):
 * the frame {@link InsideTest}s work in, e.g. to find a shape's parts.
 */
export function localFrame(p: Placement): (x: number, y: number) => [number, number] {
  const cos = Math.cos(p.rotation),
    sin = Math.sin(p.rotation);
  const sx = 1 / (p.radius * p.aspect),
    sy = p.aspect / p.radius;
  return (x, y) => {
    const dx = x - p.cx,
      dy = y - p.cy;
    return [(cos * dx + sin * dy) * sx, (-sin * dx + cos * dy) * sy];
  };
}

function supersample(test: (x: number, y: number) => boolean, x: number, y: number): number {
  let hits = 0;
  for (let j = 0; j < SUPERSAMPLE; j++) {
    for (let i = 0; i < SUPERSAMPLE; i++) if (test(x + (i + 0.5) / SUPERSAMPLE, y + (j + 0.5) / SUPERSAMPLE)) hits++;
  }
  return hits / (SUPERSAMPLE * SUPERSAMPLE);
}

/** Colour of a fill at a pixel, as [r, g, b] in 0..255 (floats allowed). */
export type Fill = (x: number, y: number) => readonly [number, number, number];

/** Composites `fill` over the float RGB canvas with per-pixel alpha `coverage`. */
export function composite(canvas: Float32Array, coverage: Float32Array, fill: Fill, size: number): void {
  for (let i = 0; i < coverage.length; i++) {
    const a = coverage[i]!;
    if (a <= 0) continue;
    const [r, g, b] = fill((i % size) + 0.5, Math.floor(i / size) + 0.5);
    const k = 3 * i;
    canvas[k] = canvas[k]! * (1 - a) + r * a;
    canvas[k + 1] = canvas[k + 1]! * (1 - a) + g * a;
    canvas[k + 2] = canvas[k + 2]! * (1 - a) + b * a;
  }
}
