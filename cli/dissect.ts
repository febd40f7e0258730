/**
 * @module
 * `gradcam-edge dissect`: runs Network Dissection (src/dissect) on one explained layer of a prepared model and
 * writes the unit names into its manifest (`layers[i].units`). Offline: the service only reads the names.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dissectLayer } from '../src/dissect/dissect.js';
import type { ConceptSource } from '../src/dissect/concepts.js';
import { sceneConcepts } from '../src/dissect/scene-concepts.js';
import { ApiError } from '../src/errors.js';
import { ModelFeed } from '../src/explain/model-feed.js';
import type { Manifest } from '../src/manifest.js';
import { folderConcepts } from './concept-folder.js';
import { DISSECT_USAGE, parseDissectArgs, type DissectArgs } from './dissect-args.js';
import { nodeRunner } from './ort-node.js';
import { manifestPath } from './prepare-args.js';

export const usage = DISSECT_USAGE;

/** Scenes rendered when --images is not given. */
export const DEFAULT_SCENES = 300;

async function conceptSource(args: DissectArgs, size: number): Promise<ConceptSource> {
  if (args.concepts === 'scenes') return sceneConcepts({ count: args.images ?? DEFAULT_SCENES, size, firstSeed: args.seed });
  const folder = await folderConcepts(args.concepts);
  if (!args.images || args.images >= folder.count) return folder;
  return { ...folder, count: args.images, sample: (i) => folder.sample(i) };
}

/** Run `dissect` with its arguments; resolves to the exit code. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseDissectArgs(args);
  const started = performance.now();
  const jsonPath = manifestPath(parsed.modelPath);
  const manifest = JSON.parse(await readFile(jsonPath, 'utf8')) as Manifest;
  const layer =
    parsed.layer === undefined
      ? (manifest.layers.find((l) => l.default) ?? manifest.layers.find((l) => !l.input))
      : manifest.layers.find((l) => l.name === parsed.layer);
  if (!layer)
    throw new ApiError(
      400,
      'unknown_layer',
      `No layer ${parsed.layer ?? '(default)'} in ${jsonPath}; layers: ${manifest.layers.map((l) => l.name).join(', ')}.`,
    );
  if (layer.input)
    throw new ApiError(400, 'unknown_layer', `${layer.name} is the image input: its "units" are colour channels; dissect a feature layer.`);
  const runner = nodeRunner();
  const session = await runner.createSession(new Uint8Array(await readFile(parsed.modelPath)));
  try {
    const feed = new ModelFeed(session, manifest);
    const source = await conceptSource(parsed, feed.inputSize.width);
    const units = await dissectLayer(feed, layer, source, {
      progress: (done, total) => {
        if (process.stderr.isTTY) process.stderr.write(`\r${done}/${total} images`);
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
    layer.units = units;
    await writeFile(jsonPath, `${JSON.stringify(manifest, null, 2)}\n`);
    const named = units.names.filter((n) => n !== null);
    const counts = new Map<string, number>();
    for (const n of named) counts.set(n, (counts.get(n) ?? 0) + 1);
    const top = [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([n, c]) => `${n} ${c}`)
      .join(', ');
    process.stdout.write(
      [
        `dissected ${layer.name}: ${named.length} of ${units.names.length} units named (IoU >= ${units.iouThreshold}) on ${units.images} images of ${units.source}`,
        `concepts ${top || '(none)'}`,
        `manifest ${jsonPath}`,
        `time     ${((performance.now() - started) / 1000).toFixed(1)} s`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    await session.release();
  }
}
