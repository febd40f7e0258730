/**
 * Writes shards of generated multi-object scenes (one to three objects of different classes) for
 * training the scene detector and segmenter.
 *
 * Usage: npx tsx tools/make-task-scenes.ts [--out build/task-scenes] [--size 128] [--train 16000]
 *        [--val 1000] [--shard 4000]
 *
 * Layout (documented again in the manifest.json it writes):
 * - `{split}-NNN.bin`: fixed-size records back to back, each
 *   `size*size*3 bytes RGB` (uint8, row-major HWC), then `size*size bytes class mask`
 *   (0 = background, 1 + class index where an object covers more than half of the pixel),
 *   then `1 byte object count` and 3 slots of `class, x, y, width, height` (uint8, the
 *   object's tight box in pixels; unused slots are 255).
 * - Scene i of a split has seed `SEED_BASE[split] + i`; the train, val and benchmark seed
 *   ranges are disjoint from each other and from tools/make-scenes.ts's.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLASS_LABELS, renderScene } from '../src/scenes/index.js';
import { writeShards } from './scene-shards.js';

/** First seed of each split; the quality benchmark's task scenes start at 7_000_000. */
export const SEED_BASE = { train: 5_000_000, val: 6_000_000 } as const;
/** Box slots per record. */
export const MAX_OBJECTS = 3;

type Split = keyof typeof SEED_BASE;

function recordBytes(size: number): number {
  return size * size * 4 + 1 + MAX_OBJECTS * 5;
}

/** Encodes scene `seed` into `out` at `offset`; returns the number of objects. */
function writeRecord(out: Uint8Array, offset: number, seed: number, size: number): number {
  const scene = renderScene({ seed, size, kind: 'multi' });
  out.set(scene.image, offset);
  const maskAt = offset + size * size * 3;
  for (const object of scene.objects) {
    for (let p = 0; p < object.mask.length; p++) if (object.mask[p]) out[maskAt + p] = object.classIndex + 1;
  }
  const boxAt = maskAt + size * size;
  out[boxAt] = scene.objects.length;
  out.fill(255, boxAt + 1, boxAt + 1 + MAX_OBJECTS * 5);
  scene.objects.forEach((object, k) => {
    const { x, y, width, height } = object.bbox;
    out.set([object.classIndex, x, y, width, height], boxAt + 1 + k * 5);
  });
  return scene.objects.length;
}

function writeSplit(split: Split, count: number, size: number, perShard: number, dir: string) {
  const fill = (buffer: Uint8Array, offset: number, i: number) => writeRecord(buffer, offset, SEED_BASE[split] + i, size);
  return writeShards(dir, { split, count, perShard, firstSeed: SEED_BASE[split], recordBytes: recordBytes(size), fill });
}

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'build/task-scenes' },
      size: { type: 'string', default: '128' },
      train: { type: 'string', default: '16000' },
      val: { type: 'string', default: '1000' },
      shard: { type: 'string', default: '4000' },
    },
  });
  const size = Number(values.size),
    perShard = Number(values.shard);
  mkdirSync(values.out, { recursive: true });
  const started = performance.now();
  const splits = {
    train: writeSplit('train', Number(values.train), size, perShard, values.out),
    val: writeSplit('val', Number(values.val), size, perShard, values.out),
  };
  const manifest = {
    size,
    labels: CLASS_LABELS,
    seedBase: SEED_BASE,
    maxObjects: MAX_OBJECTS,
    record:
      'size*size*3 uint8 RGB (HWC), size*size uint8 class mask (0 background, 1 + class), uint8 object count, ' +
      `${MAX_OBJECTS} x (class, x, y, width, height) uint8 (unused 255)`,
    splits,
  };
  writeFileSync(join(values.out, 'manifest.json'), JSON.stringify(manifest, null, 2));
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main();
