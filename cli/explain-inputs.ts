/**
 * @module
 * The images `gradcam-edge explain` works on: files as given, folders searched recursively for PNG/JPEG,
 * globs expanded; each with a unique output stem.
 */
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { ApiError } from '../src/errors.js';
import { expandGlob, isGlob, listFiles } from './glob.js';

const IMAGE = /\.(png|jpe?g)$/i;

/** An image to explain and the stem of its output files. */
export interface InputImage {
  path: string;
  stem: string;
}

async function filesOf(input: string): Promise<string[]> {
  const info = await stat(input).catch(() => undefined);
  if (info?.isDirectory()) return (await listFiles(input)).filter((f) => IMAGE.test(f));
  if (info?.isFile()) return [input];
  if (!isGlob(input)) throw new ApiError(400, 'bad_option', `No such file or folder: ${input}.`);
  const matches = await expandGlob(input);
  if (matches.length === 0) throw new ApiError(400, 'bad_option', `The glob ${input} matches no file.`);
  return matches;
}

/** Unique stems: `cat`, `cat-2`, ... for images of the same name from different folders. */
function withStems(paths: string[]): InputImage[] {
  const used = new Map<string, number>();
  return paths.map((path) => {
    const stem = basename(path, extname(path));
    const n = (used.get(stem) ?? 0) + 1;
    used.set(stem, n);
    return { path, stem: n === 1 ? stem : `${stem}-${n}` };
  });
}

/** Expand the command line's inputs into images (duplicates removed, order kept). */
export async function expandInputs(inputs: string[]): Promise<InputImage[]> {
  const paths: string[] = [];
  for (const input of inputs) paths.push(...(await filesOf(input)));
  const unique = [...new Set(paths)];
  if (unique.length === 0) throw new ApiError(400, 'bad_option', `No PNG or JPEG image in ${inputs.join(', ')}.`);
  return withStems(unique);
}
