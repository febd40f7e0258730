/**
 * Writes shards of generated single-object scenes for training the default model.
 *
 * Usage: npx tsx tools/make-scenes.ts [--out build/scenes] [--size 128] [--train 40000]
 *        [--val 2000] [--shard 5000]
 *
 * Layout (documented again in build/scenes/manifest.json):
 * - `{split}-NNN.bin`: records back to back, each `1 byte label` + `size*size*3 bytes RGB`
 *   (uint8, row-major HWC); in the `val` split each record is followed by the object's mask
 *   (`size*size` bytes, 0 or 1).
 * - Scene i of a split has seed `SEED_BASE[split] + i` and class `i % classCount`
 *   (exact class balance). Train, val and benchmark seed ranges are disjoint.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLASS_LABELS, renderScene } from '../src/scenes/index.js';
import { type ShardInfo, writeShards } from './scene-shards.js';

/** First seed of each split; the benchmark uses seeds from 3_000_000 on. */
export const SEED_BASE = { train: 1_000_000, val: 2_000_000 } as const;

type Split = keyof typeof SEED_BASE;

function writeSplit(split: Split, count: number, size: number, perShard: number, out: string): ShardInfo[] {
  const withMask = split === 'val';
  const recordBytes = 1 + size * size * 3 + (withMask ? size * size : 0);
  const fill = (buffer: Uint8Array, offset: number, i: number) => {
    const classIndex = i % CLASS_LABELS.length;
    const scene = renderScene({ seed: SEED_BASE[split] + i, size, kind: 'single', classes: [classIndex] });
    buffer[offset] = classIndex;
    buffer.set(scene.image, offset + 1);
    if (withMask) buffer.set(scene.objects[0]!.mask, offset + 1 + size * size * 3);
  };
  return writeShards(out, { split, count, perShard, firstSeed: SEED_BASE[split], recordBytes, fill });
}

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'build/scenes' },
      size: { type: 'string', default: '128' },
      train: { type: 'string', default: '40000' },
      val: { type: 'string', default: '2000' },
      shard: { type: 'string', default: '5000' },
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
    record: 'uint8 label, then size*size*3 uint8 RGB (HWC); val records are followed by size*size uint8 mask',
    splits,
  };
  writeFileSync(join(values.out, 'manifest.json'), JSON.stringify(manifest, null, 2));
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main();
