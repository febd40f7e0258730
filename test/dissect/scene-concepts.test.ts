import { describe, expect, it } from 'vitest';
import { COLOUR_NAMES, colourName } from '../../src/dissect/colour-names.js';
import { SCENE_CONCEPTS, sceneConceptMasks, sceneConcepts } from '../../src/dissect/scene-concepts.js';
import { renderScene } from '../../src/scenes/index.js';

const SIZE = 96;
const conceptIndex = (name: string) => SCENE_CONCEPTS.findIndex((c) => c.name === name);
const count = (m: Uint8Array) => m.reduce((s, v) => s + v, 0);

function masksOf(seed: number, classIndex: number) {
  const scene = renderScene({ seed, size: SIZE, classes: [classIndex], record: true });
  const byName = new Map(sceneConceptMasks(scene).map((m) => [SCENE_CONCEPTS[m.concept]!.name, m.mask]));
  return { scene, byName };
}

describe('scene concept masks', () => {
  it('leave the scene as it was: same image and object masks with record: true', () => {
    for (const seed of [3, 44, 501]) {
      const plain = renderScene({ seed, size: SIZE, kind: 'pair' });
      const recorded = renderScene({ seed, size: SIZE, kind: 'pair', record: true });
      expect(recorded.image).toEqual(plain.image);
      expect(recorded.objects).toEqual(plain.objects);
      expect(recorded.painted?.objectTextures).toHaveLength(2);
    }
  });

  it('give each pixel exactly one colour, one of object / line / blob / background, and one texture off the background', () => {
    for (let seed = 0; seed < 12; seed++) {
      const { scene, byName } = masksOf(seed, seed % 10);
      const perPixel = (kind: string) => {
        const out = new Array<number>(SIZE * SIZE).fill(0);
        for (const c of SCENE_CONCEPTS)
          if (c.kind === kind)
            byName.get(c.name)?.forEach((v, i) => {
              out[i] += v;
            });
        return out;
      };
      const [colour, shape, clutter, texture] = ['colour', 'shape', 'clutter', 'texture'].map(perPixel);
      const expected = Array.from(scene.objects[0]!.mask, (v, i) => `1 1 ${byName.get('background')?.[i] ? 0 : 1} ${v}`);
      const got = colour!.map((c, i) => `${c} ${shape![i]! + clutter![i]!} ${texture![i]} ${shape![i]}`);
      const bad = got.findIndex((g, i) => g !== expected[i]);
      expect(bad === -1 ? 'all pixels' : `pixel ${bad}: ${got[bad]}`, `seed ${seed}`).toBe(
        bad === -1 ? 'all pixels' : `pixel ${bad}: ${expected[bad]}`,
      );
    }
  });

  it('mark the object class with its ground-truth mask, and parts inside (star points) or outside (ring hole) it', () => {
    const star = masksOf(7, 3),
      ring = masksOf(8, 5);
    expect(star.byName.get('star')).toEqual(star.scene.objects[0]!.mask);
    const points = star.byName.get('star point')!,
      starMask = star.scene.objects[0]!.mask;
    expect(count(points)).toBeGreaterThan(0.2 * count(starMask));
    expect(count(points)).toBeLessThan(0.9 * count(starMask));
    expect(points.findIndex((v, i) => v === 1 && starMask[i] === 0)).toBe(-1);
    const hole = ring.byName.get('ring hole')!,
      ringMask = ring.scene.objects[0]!.mask;
    expect(count(hole)).toBeGreaterThan(0.3 * count(ringMask) * (0.55 ** 2 / (0.95 ** 2 - 0.55 ** 2)));
    expect(hole.findIndex((v, i) => v === 1 && ringMask[i] === 1)).toBe(-1);
    expect(star.byName.has('ring hole')).toBe(false);
  });

  it('name the colour of solid-filled object pixels after the drawn pixel', () => {
    const { scene, byName } = masksOf(11, 0);
    const red = byName.get('red');
    const i = scene.objects[0]!.mask.indexOf(1);
    const name = COLOUR_NAMES[colourName(scene.image[3 * i]!, scene.image[3 * i + 1]!, scene.image[3 * i + 2]!)];
    expect(byName.get(name)![i]).toBe(1);
    if (name !== 'red') expect(red?.[i] ?? 0).toBe(0);
  });

  it('serve single-object scenes with class i mod 10 as a concept source', async () => {
    const source = sceneConcepts({ count: 12, size: 64, firstSeed: 10 });
    const sample = await source.sample(11);
    expect(sample.masks.find((m) => m.concept === 1)?.mask).toEqual(renderScene({ seed: 21, size: 64, classes: [1] }).objects[0]!.mask);
    expect(sample.image.data).toEqual(renderScene({ seed: 21, size: 64, classes: [1] }).image);
    expect(source.name).toBe('scenes(seeds 10..21, 64px, single)');
  });
});

describe('colourName', () => {
  it('bins hues and achromatic lightness', () => {
    const cases: [number[], string][] = [
      [[255, 0, 0], 'red'],
      [[255, 128, 0], 'orange'],
      [[255, 230, 0], 'yellow'],
      [[0, 200, 0], 'green'],
      [[0, 220, 220], 'cyan'],
      [[0, 0, 255], 'blue'],
      [[128, 0, 255], 'purple'],
      [[255, 0, 200], 'magenta'],
      [[250, 250, 245], 'white'],
      [[128, 128, 120], 'grey'],
      [[20, 30, 10], 'black'],
      [[255, 0, 20], 'red'],
    ];
    for (const [rgb, name] of cases) expect(COLOUR_NAMES[colourName(rgb[0]!, rgb[1]!, rgb[2]!)], rgb.join(',')).toBe(name);
  });
});

it('has one concept index per name', () => {
  expect(new Set(SCENE_CONCEPTS.map((c) => c.name)).size).toBe(SCENE_CONCEPTS.length);
  expect(conceptIndex('star')).toBe(3);
});
