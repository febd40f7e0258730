/**
 * @module
 * `gradcam-edge prepare`: reads the model (and labels), runs the prepare compiler with onnxruntime-web,
 * writes `<out>.onnx` and `<out>.json`, or lists the candidate layers.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { decodeImage } from '../src/image/decode.js';
import type { RgbImage } from '../src/image/types.js';
import { ApiError } from '../src/errors.js';
import { prepare, listLayers, parseLabels, type LayerListing } from '../src/prepare/index.js';
import { describeLayout } from '../src/prepare/layout.js';
import { nodeRunner } from './ort-node.js';
import { parsePrepareArgs, manifestPath, PREPARE_USAGE } from './prepare-args.js';

export const usage = PREPARE_USAGE;

const MB = 1024 * 1024;

/** A fixed-width table of the candidate layers with layout and grid, default marked with `*`. */
export function layerTable(layers: readonly LayerListing[]): string {
  const layout = (l: LayerListing) =>
    l.layout ? `${describeLayout(l.layout)}${l.layoutFrom === 'shape' ? ' (shape)' : ''}` : '? (ambiguous)';
  const rows = layers.map((l) => [l.default ? '*' : ' ', l.name, `[${l.shape.join(', ')}]`, layout(l), l.op]);
  const header = [' ', 'name', 'shape', 'layout', 'op'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** The explained output in the listing's header: the logits of a classifier, the task's output otherwise. */
function outputLine(l: { task: { kind: string }; logits: { name: string; classes: number } }): string {
  if (l.task.kind === 'classify') return `logits ${l.logits.name} (${l.logits.classes} classes)`;
  return `task ${l.task.kind}, output ${l.logits.name} (${l.logits.classes} ${l.task.kind === 'embed' ? 'dimensions' : 'classes'})`;
}

/** Run `prepare` with its arguments; resolves to the exit code. */
export async function run(args: string[]): Promise<number> {
  const parsed = parsePrepareArgs(args);
  const bytes = new Uint8Array(await readFile(parsed.modelPath));
  const runner = nodeRunner();
  if (parsed.listLayers) {
    const listing = await listLayers(bytes, runner, parsed.options);
    if (parsed.json) process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
    else {
      process.stdout.write(
        `input ${listing.input.name} [${listing.input.shape.join(', ')}] ${listing.input.layout}; ${outputLine(listing)}; * = default layer\n`,
      );
      process.stdout.write(layerTable(listing.layers));
    }
    for (const n of listing.notes) process.stderr.write(`note: ${n}\n`);
    return 0;
  }
  const labels = parsed.labelsPath ? parseLabels(await readFile(parsed.labelsPath, 'utf8')) : null;
  const calibrate = parsed.calibratePath ? await readImages(parsed.calibratePath) : undefined;
  const { model, manifest, report } = await prepare(
    bytes,
    { ...parsed.options, labels, calibrate, sourceFile: basename(parsed.modelPath) },
    runner,
  );
  const out = parsed.outPath!;
  await writeFile(out, model);
  await writeFile(manifestPath(out), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const n of report.notes) process.stderr.write(`note: ${n}\n`);
  const layers = manifest.layers.map((l) => `${l.name} [${l.shape.join(', ')}]${l.default ? ' (default)' : ''}`).join(', ');
  process.stdout.write(
    [
      `prepared ${out} (${(report.sizes.prepared / MB).toFixed(2)} MB from ${(report.sizes.source / MB).toFixed(2)} MB, weights ${manifest.quantization.weights}${manifest.quantization.activations ? `, activations ${manifest.quantization.activations}` : ''})`,
      `manifest ${manifestPath(out)}`,
      `layers   ${layers}`,
      `time     ${(report.timings.total / 1000).toFixed(2)} s (probe ${fmt(report.timings.probe)}, gradient ${fmt(report.timings.gradient)}, quantize ${fmt(report.timings.quantize)}, verify ${fmt(report.timings.verify)})`,
      '',
    ].join('\n'),
  );
  return 0;
}

/** The PNG and JPEG images of a folder, decoded (sorted by name). */
async function readImages(folder: string): Promise<RgbImage[]> {
  const names = (await readdir(folder)).filter((n) => /\.(png|jpe?g)$/i.test(n)).sort();
  if (names.length === 0) throw new ApiError(400, 'bad_option', `--calibrate: no .png/.jpg images in ${folder}.`);
  return Promise.all(names.map(async (n) => decodeImage(new Uint8Array(await readFile(join(folder, n))))));
}

function fmt(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
