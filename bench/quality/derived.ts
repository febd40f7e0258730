/**
 * @module
 * A copy of the shipped model that also explains the image input (for the input-gradient baseline), made
 * with the prepare library from the source model named in the manifest, with the manifest's own options.
 * Used only when the shipped model has no input layer; the source must match the manifest's sha256.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { prepare, type PrepareOptions } from '../../src/prepare/index.js';
import { sha256Hex } from '../../src/prepare/sha256.js';
import type { Manifest } from '../../src/manifest.js';
import type { ModelRunner } from '../../src/runtime/runner.js';

/** The derived model, or why there is none. */
export type Derived = { bytes: Uint8Array; manifest: Manifest; note: string } | { note: string };

/** Where the source model is: `explicit`, else the manifest's `source.file` next to the prepared model. */
function sourcePath(modelPath: string, manifest: Manifest, explicit?: string): string | undefined {
  if (explicit) return explicit;
  const file = manifest.source.file;
  if (!file) return undefined;
  const candidate = join(dirname(modelPath), file);
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * Prepares the source again with the input as an extra layer (`inputGradients`).
 *
 * @example
 * const d = await inputGradientCopy('models/default.onnx', manifest, runner);
 * if ('bytes' in d) ... // a prepared model whose manifest has a layer with input: true
 */
export async function inputGradientCopy(modelPath: string, manifest: Manifest, runner: ModelRunner, explicit?: string): Promise<Derived> {
  const path = sourcePath(modelPath, manifest, explicit);
  if (!path) return { note: `no source model found for "${manifest.source.file ?? '?'}" next to ${modelPath}` };
  const bytes = new Uint8Array(readFileSync(path));
  const sha = await sha256Hex(bytes);
  if (sha !== manifest.source.sha256)
    return { note: `${path} (sha256 ${sha.slice(0, 12)}) is not the source of ${modelPath} (${manifest.source.sha256.slice(0, 12)})` };
  const options: PrepareOptions & { inputGradients?: boolean } = {
    layers: manifest.layers.map((l) => l.name).filter((n) => n !== manifest.input.name),
    quantize: manifest.quantization.weights,
    labels: manifest.labels,
    mean: manifest.input.mean,
    std: manifest.input.std,
    resize: manifest.input.resize,
    crop: manifest.input.crop,
    background: manifest.input.background,
    inputGradients: true,
    verify: false,
  };
  const result = await prepare(bytes, options, runner);
  const hasInput = result.manifest.layers.some((l) => l.name === manifest.input.name);
  if (!hasInput) return { note: 'this prepare has no --input-gradients support' };
  return { bytes: result.model, manifest: result.manifest, note: `re-prepared from ${path} with the input as a layer (same options)` };
}
