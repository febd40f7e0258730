/**
 * @module
 * Writes the example images of the README (examples/*.png): held-out scenes from the scene generator
 * (seeds from 3,900,000 on; training and validation use seeds below 3,000,000): three single-object
 * scenes and one two-object scene, at 256 px.
 *
 * Run: npx tsx tools/make-examples.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '../src/image/index.js';
import { renderScene } from '../src/scenes/index.js';

const OUT = join(import.meta.dirname, '..', 'examples');
const SIZE = 256;

async function write(name: string, scene: { image: Uint8Array; width: number; height: number }): Promise<void> {
  const png = await encodePng({ width: scene.width, height: scene.height, data: scene.image });
  writeFileSync(join(OUT, name), png);
  console.log(`examples/${name}`);
}

mkdirSync(OUT, { recursive: true });
for (const c of [3, 5, 8]) {
  const scene = renderScene({ seed: 3_900_000 + c, size: SIZE, classes: [c] });
  await write(`${scene.objects[0].label}.png`, scene);
}
const pair = renderScene({ seed: 3_900_100, size: SIZE, kind: 'pair', classes: [3, 9] });
await write(`pair-${pair.objects.map((o) => o.label).join('-')}.png`, pair);
