/**
 * @module
 * Parsing `gradcam-edge dissect` arguments.
 */
import { parseArgs } from 'node:util';
import { ApiError } from '../src/errors.js';

/** Parsed command line of `dissect`. */
export interface DissectArgs {
  modelPath: string;
  /** 'scenes' (the built-in scene generator) or a folder of images and concept masks. */
  concepts: string;
  layer?: string;
  /** Images to dissect: scenes to render, or the first N of a folder (default: 300 scenes, the whole folder). */
  images?: number;
  /** First scene seed (scenes only). */
  seed?: number;
}

export const DISSECT_USAGE = `Usage:
  gradcam-edge dissect <prepared.onnx> --concepts scenes|<folder> [--layer <tensor>] [--images N]

Names the units (channels) of an explained layer after the concepts they detect (Network Dissection,
Bau et al. 2017): each unit's activation maps over a concept dataset are upsampled to the input, thresholded
at the unit's top 0.5% quantile, and compared with every concept's masks by IoU over the dataset; a unit is
named after its best concept when the IoU is at least 0.04. Writes the names, IoUs and provenance into the
manifest <prepared>.json (layers[i].units), where explanations read them (units, text).

Options:
  --concepts scenes     the built-in scene generator's concepts (shapes, parts, textures, colours, clutter)
  --concepts <folder>   your images with a mask PNG per concept: img.jpg + img.<concept>.png (white = in)
  --layer <tensor>      the explained layer to dissect (default: the manifest's default layer)
  --images N            scenes to render (default 300), or the first N images of the folder (default all)
  --seed S              first scene seed (default 4000000, disjoint from training and benchmark scenes)
  --debug               print stack traces
`;

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new ApiError(400, 'bad_option', `--${flag} expects a positive integer (got "${text}").`);
  return n;
}

/** Parse the arguments after `dissect`. Throws `bad_option` for malformed ones. */
export function parseDissectArgs(args: string[]): DissectArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { concepts: { type: 'string' }, layer: { type: 'string' }, images: { type: 'string' }, seed: { type: 'string' } },
  });
  if (positionals.length !== 1)
    throw new ApiError(400, 'bad_option', `Give exactly one prepared model (got ${positionals.length}); see --help.`);
  if (!values.concepts) throw new ApiError(400, 'bad_option', 'Missing --concepts scenes|<folder>.');
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new ApiError(400, 'bad_option', `--seed expects an integer (got "${values.seed}").`);
  return { modelPath: positionals[0]!, concepts: values.concepts, layer: values.layer, images: positiveInt('images', values.images), seed };
}
