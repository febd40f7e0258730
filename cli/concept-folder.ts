/**
 * @module
 * A user's concept dataset for `gradcam-edge dissect --concepts <folder>`: images (`.jpg`, `.jpeg`, `.png`) and,
 * next to each, one binary mask PNG per concept present, named `<image name>.<concept>.png`:
 *
 *     street1.jpg  street1.car.png  street1.road.png  street2.png  street2.car.png ...
 *
 * A mask has the image's width and height; a pixel belongs to the concept when its red, green or blue value is
 * above 127 (white on black). Concept names are every `<concept>` seen (kind `other`); an image without masks
 * still counts (every concept absent). Files that are neither are ignored.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ConceptSource } from '../src/dissect/concepts.js';
import { ApiError } from '../src/errors.js';
import { decodeImage } from '../src/image/index.js';

const IMAGE = /\.(jpe?g|png)$/i;

/** The concept source of a folder (see the module comment); throws a bad_request ApiError on a bad folder. */
export async function folderConcepts(folder: string): Promise<ConceptSource> {
  const files = (await readdir(folder)).sort();
  const images = files.filter(
    (f) => IMAGE.test(f) && !files.some((g) => g !== f && IMAGE.test(g) && f.startsWith(`${g.replace(IMAGE, '')}.`) && f.endsWith('.png')),
  );
  const masksOf = new Map(
    images.map((img) => {
      const stem = img.replace(IMAGE, '');
      const masks = files
        .filter((f) => f.startsWith(`${stem}.`) && f.endsWith('.png') && f !== img)
        .map((f) => ({ file: f, concept: f.slice(stem.length + 1, -4) }));
      return [img, masks.filter((m) => m.concept.length > 0 && !m.concept.includes('.'))];
    }),
  );
  const names = [...new Set([...masksOf.values()].flatMap((ms) => ms.map((m) => m.concept)))].sort();
  if (images.length === 0 || names.length === 0) {
    throw new ApiError(
      400,
      'bad_request',
      `${folder} has no images with concept masks: put img.jpg next to img.<concept>.png (white = the concept)`,
    );
  }
  return {
    name: `folder:${basename(folder)}`,
    concepts: names.map((name) => ({ name, kind: 'other' as const })),
    count: images.length,
    sample: async (i) => {
      const file = images[i]!;
      const image = await decodeImage(new Uint8Array(await readFile(join(folder, file))));
      const masks = await Promise.all(
        masksOf.get(file)!.map(async (m) => {
          const decoded = await decodeImage(new Uint8Array(await readFile(join(folder, m.file))));
          if (decoded.width !== image.width || decoded.height !== image.height) {
            throw new ApiError(
              400,
              'bad_request',
              `mask ${m.file} is ${decoded.width}x${decoded.height}, its image ${file} ${image.width}x${image.height}: masks need the image's size`,
            );
          }
          const mask = new Uint8Array(image.width * image.height);
          for (let p = 0; p < mask.length; p++)
            mask[p] = decoded.data[3 * p]! > 127 || decoded.data[3 * p + 1]! > 127 || decoded.data[3 * p + 2]! > 127 ? 1 : 0;
          return { concept: names.indexOf(m.concept), mask };
        }),
      );
      return { image, masks };
    },
  };
}
