/**
 * @module
 * Shard writing shared by the training-data scripts (tools/make-scenes.ts, tools/make-task-scenes.ts): a split
 * of `count` generated scenes as `{split}-NNN.bin` files of fixed-size records back to back, scene i of the
 * split rendered from seed `firstSeed + i`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One written shard, as listed in the shards' manifest.json. */
export interface ShardInfo {
  file: string;
  count: number;
  firstSeed: number;
}

/** What to write: the split's name, its scenes and records, and how one record is filled. */
export interface SplitSpec {
  split: string;
  count: number;
  perShard: number;
  firstSeed: number;
  recordBytes: number;
  /** Writes scene `index` of the split (seed `firstSeed + index`) into `buffer` at `offset`. */
  fill: (buffer: Uint8Array, offset: number, index: number) => void;
}

/**
 * Writes one split's shards into `dir` and returns them.
 *
 * @example
 * writeShards('build/scenes', { split: 'val', count: 2000, perShard: 5000, firstSeed: 2_000_000, recordBytes, fill });
 */
export function writeShards(dir: string, spec: SplitSpec): ShardInfo[] {
  const shards: ShardInfo[] = [];
  for (let start = 0; start < spec.count; start += spec.perShard) {
    const n = Math.min(spec.perShard, spec.count - start);
    const buffer = new Uint8Array(n * spec.recordBytes);
    for (let k = 0; k < n; k++) spec.fill(buffer, k * spec.recordBytes, start + k);
    const file = `${spec.split}-${String(shards.length).padStart(3, '0')}.bin`;
    writeFileSync(join(dir, file), buffer);
    shards.push({ file, count: n, firstSeed: spec.firstSeed + start });
    console.log(`${file}: ${n} scenes`);
  }
  return shards;
}
