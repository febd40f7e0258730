import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderConcepts } from '../../cli/concept-folder.js';
import { encodePng } from '../../src/image/index.js';

let dir: string;
const png = (width: number, height: number, pixel: (x: number, y: number) => number[]) => {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), 3 * (y * width + x));
  return encodePng({ width, height, data });
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'concepts-'));
  await writeFile(join(dir, 'a.png'), await png(4, 2, () => [10, 20, 30]));
  await writeFile(join(dir, 'a.sky.png'), await png(4, 2, (_x, y) => (y === 0 ? [255, 255, 255] : [0, 0, 0])));
  await writeFile(join(dir, 'a.tree.png'), await png(4, 2, (x) => (x === 3 ? [200, 0, 0] : [0, 0, 0])));
  await writeFile(join(dir, 'b.png'), await png(3, 3, () => [0, 0, 0]));
  await writeFile(join(dir, 'b.sky.png'), await png(3, 3, () => [255, 255, 255]));
  await writeFile(join(dir, 'notes.txt'), 'ignored');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a concept folder', () => {
  it('pairs img.png with img.<concept>.png masks (any channel above 127 is in)', async () => {
    const source = await folderConcepts(dir);
    expect(source.count).toBe(2);
    expect(source.concepts).toEqual([
      { name: 'sky', kind: 'other' },
      { name: 'tree', kind: 'other' },
    ]);
    const a = await source.sample(0);
    expect([a.image.width, a.image.height]).toEqual([4, 2]);
    expect(a.masks.map((m) => [m.concept, Array.from(m.mask)])).toEqual([
      [0, [1, 1, 1, 1, 0, 0, 0, 0]],
      [1, [0, 0, 0, 1, 0, 0, 0, 1]],
    ]);
    expect((await source.sample(1)).masks.map((m) => m.concept)).toEqual([0]);
  });

  it('refuses a mask of another size and a folder without masks, saying what to do', async () => {
    await writeFile(join(dir, 'b.tree.png'), await png(2, 2, () => [255, 255, 255]));
    const source = await folderConcepts(dir);
    await expect(source.sample(1)).rejects.toThrow(/b\.tree\.png is 2x2, its image b\.png 3x3/);
    const empty = await mkdtemp(join(tmpdir(), 'concepts-empty-'));
    await expect(folderConcepts(empty)).rejects.toThrow(/img\.<concept>\.png/);
    await rm(empty, { recursive: true });
  });
});
