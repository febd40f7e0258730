/**
 * Test images for the client tests, written to a temporary folder: a gradient PNG, a JPEG photo-like
 * image, a folder of rendered scenes (src/scenes, the default model's classes) with a broken PNG and a
 * non-image file in it.
 */
import { encode } from 'fast-png';
import jpeg from 'jpeg-js';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderScene } from '../../src/scenes/index.js';

function gradient(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    data.set([(x * 255) / width, (y * 255) / height, (x * y) & 255, 255], i * 4);
  }
  return data;
}

/** Paths of the written fixtures. */
export interface ClientFixtures {
  dir: string;
  png: string;
  jpg: string;
  /** A folder with `count` scene PNGs (one in a sub-folder), `broken.png` and `notes.txt`. */
  scenes: string;
  sceneCount: number;
}

/** Write the fixtures into a fresh temporary folder. */
export function writeFixtures(sceneCount = 5): ClientFixtures {
  const dir = mkdtempSync(join(tmpdir(), 'gradcam-edge-clients-'));
  const png = join(dir, 'gradient.png');
  writeFileSync(png, encode({ width: 96, height: 64, data: gradient(96, 64), channels: 4, depth: 8 }));
  const jpg = join(dir, 'photo.jpg');
  writeFileSync(jpg, jpeg.encode({ width: 48, height: 32, data: gradient(48, 32) }, 90).data);
  const scenes = join(dir, 'scenes');
  mkdirSync(join(scenes, 'more'), { recursive: true });
  for (let i = 0; i < sceneCount; i++) {
    const s = renderScene({ seed: 100 + i, size: 128 });
    const file = join(scenes, i === sceneCount - 1 ? 'more' : '', `scene-${i}.png`);
    writeFileSync(file, encode({ width: s.width, height: s.height, data: s.image, channels: 3, depth: 8 }));
  }
  writeFileSync(join(scenes, 'broken.png'), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
  writeFileSync(join(scenes, 'notes.txt'), 'not an image');
  return { dir, png, jpg, scenes, sceneCount };
}
