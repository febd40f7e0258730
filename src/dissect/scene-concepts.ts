/**
 * @module
 * The built-in concept dataset: scenes from the scene generator (src/scenes), whose renderer knows what it
 * drew at every pixel. Concepts per pixel:
 * - shape: the object's class (its ground-truth mask);
 * - part: star point (star pixels beyond 0.45 of the radius), ring hole (inside the ring's inner radius),
 *   arrow head (arrow pixels ahead of the shaft);
 * - texture: the fill of the object or distractor on top at the pixel (solid fill, stripes, checker texture,
 *   noise texture);
 * - colour: the rendered pixel's colour name (colour-names.ts), everywhere;
 * - clutter: distractor line, clutter blob (visible distractor pixels), background (neither object nor
 *   distractor).
 * Scene i has seed `firstSeed + i` (default 4_000_000: disjoint from the train, val and benchmark seeds of
 * tools/make-scenes.ts and bench/quality) and class i mod 10, one object per scene.
 */
import { CLASS_LABELS, localFrame, renderScene, TEXTURES, type Scene, type Texture } from '../scenes/index.js';
import { COLOUR_NAMES, colourName } from './colour-names.js';
import type { Concept, ConceptSource } from './concepts.js';

/** First seed of the dissection scenes. */
export const DISSECTION_SEED = 4_000_000;

const TEXTURE_NAMES: Record<Texture, string> = {
  solid: 'solid fill',
  stripes: 'stripes',
  checker: 'checker texture',
  noise: 'noise texture',
};

/** Parts: a name, the class they belong to, and a test in the shape's local unit coordinates. */
const PARTS: readonly { name: string; label: string; inMask: boolean; test: (u: number, v: number) => boolean }[] = [
  { name: 'star point', label: 'star', inMask: true, test: (u, v) => Math.hypot(u, v) > 0.45 },
  { name: 'ring hole', label: 'ring', inMask: false, test: (u, v) => Math.hypot(u, v) < 0.55 },
  { name: 'arrow head', label: 'arrow', inMask: true, test: (u) => u > 0.15 },
];

/** Every concept of the scene dataset, in index order. */
export const SCENE_CONCEPTS: readonly Concept[] = [
  ...CLASS_LABELS.map((name) => ({ name, kind: 'shape' as const })),
  ...PARTS.map((p) => ({ name: p.name, kind: 'part' as const })),
  ...TEXTURES.map((t) => ({ name: TEXTURE_NAMES[t], kind: 'texture' as const })),
  ...COLOUR_NAMES.map((name) => ({ name, kind: 'colour' as const })),
  ...['distractor line', 'clutter blob', 'background'].map((name) => ({ name, kind: 'clutter' as const })),
];

const index = (name: string): number => SCENE_CONCEPTS.findIndex((c) => c.name === name);

/**
 * The concept masks of a scene rendered with `record: true`, at most one per concept, non-empty only.
 *
 * @example
 * sceneConceptMasks(renderScene({ seed: 1, record: true })); // [{ concept: 3, mask }, ...]
 */
export function sceneConceptMasks(scene: Scene): { concept: number; mask: Uint8Array }[] {
  if (!scene.painted) throw new Error('render the scene with record: true');
  const size = scene.width,
    pixels = size * size;
  const masks = new Map<number, Uint8Array>();
  const mark = (concept: number, i: number) => {
    let m = masks.get(concept);
    if (!m) masks.set(concept, (m = new Uint8Array(pixels)));
    m[i] = 1;
  };
  const owner = new Int16Array(pixels).fill(-1); // the top distractor at each pixel
  scene.painted.distractors.forEach((d, k) => {
    for (let i = 0; i < pixels; i++) if (d.coverage[i]! > 0.5) owner[i] = k;
  });
  const onObject = new Uint8Array(pixels);
  scene.objects.forEach((o, k) => {
    const texture = index(TEXTURE_NAMES[scene.painted!.objectTextures[k]!]);
    for (let i = 0; i < pixels; i++)
      if (o.mask[i]) {
        onObject[i] = 1;
        mark(o.classIndex, i);
        mark(texture, i);
      }
    const toLocal = localFrame(o.placement);
    for (const part of PARTS.filter((p) => p.label === o.label)) {
      for (let i = 0; i < pixels; i++) {
        if (o.mask[i] !== (part.inMask ? 1 : 0)) continue;
        if (part.test(...toLocal((i % size) + 0.5, Math.floor(i / size) + 0.5))) mark(index(part.name), i);
      }
    }
  });
  const colourBase = index(COLOUR_NAMES[0]),
    line = index('distractor line'),
    blob = index('clutter blob'),
    background = index('background');
  for (let i = 0; i < pixels; i++) {
    mark(colourBase + colourName(scene.image[3 * i]!, scene.image[3 * i + 1]!, scene.image[3 * i + 2]!), i);
    if (onObject[i]) continue;
    const k = owner[i]!;
    if (k < 0) {
      mark(background, i);
      continue;
    }
    const d = scene.painted.distractors[k]!;
    mark(d.kind === 'line' ? line : blob, i);
    mark(index(TEXTURE_NAMES[d.texture]), i);
  }
  return [...masks].map(([concept, mask]) => ({ concept, mask }));
}

/**
 * `count` single-object scenes of `size` x `size` pixels as a concept source.
 *
 * @example
 * const source = sceneConcepts({ count: 200, size: 128 });
 */
export function sceneConcepts(options: { count: number; size: number; firstSeed?: number }): ConceptSource {
  const first = options.firstSeed ?? DISSECTION_SEED;
  return {
    name: `scenes(seeds ${first}..${first + options.count - 1}, ${options.size}px, single)`,
    concepts: SCENE_CONCEPTS,
    count: options.count,
    sample: async (i) => {
      const scene = renderScene({ seed: first + i, size: options.size, kind: 'single', classes: [i % CLASS_LABELS.length], record: true });
      return { image: { width: scene.width, height: scene.height, data: scene.image }, masks: sceneConceptMasks(scene) };
    },
  };
}
